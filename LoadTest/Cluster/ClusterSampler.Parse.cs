using System.Text.Json;

namespace Game.LoadTest;

internal sealed partial class ClusterSampler
{
    /// <summary>
    /// Reads a <c>GET /cluster</c> answer: <c>{"version":N,"silos":[{"address","name","status","rooms","players","tickP99Ms","tickLateP99Ms","cpuPercent",…}]}</c>.
    /// Unknown fields are ignored; a silo without an address is skipped; absent numbers are 0 (rooms, players) or null
    /// (tickP99Ms, tickLateP99Ms, cpuPercent).
    /// </summary>
    /// <param name="utf8">The answer's body.</param>
    /// <returns>The silos, or null when the body is not JSON or has no <c>silos</c> array.</returns>
    internal static IReadOnlyList<SiloSample>? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("silos", out var array)
                || array.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var silos = new List<SiloSample>(array.GetArrayLength());
            foreach (var e in array.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object || Text(e, "address") is not { Length: > 0 } address)
                {
                    continue;
                }
                silos.Add(new SiloSample(
                    address,
                    Text(e, "name") ?? "",
                    Text(e, "status") ?? "",
                    (int)Math.Clamp(Number(e, "rooms") ?? 0, 0, int.MaxValue),
                    (int)Math.Clamp(Number(e, "players") ?? 0, 0, int.MaxValue),
                    Number(e, "tickP99Ms"),
                    Number(e, "cpuPercent"),
                    Number(e, "tickLateP99Ms")));
            }
            return silos;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    /// <summary>A finite number, or null when absent, null or not a number.</summary>
    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number && p.TryGetDouble(out var v) && double.IsFinite(v) ? v : null;
}
