using System.Text.Json;
using System.Text.Json.Serialization;

namespace Game.Runtime.Networking;

/// <summary>
/// The one JSON configuration of cluster messages: arguments, results and stream items. General defaults (member names
/// as declared, constructors of records, immutable collections, <c>[JsonPolymorphic]</c> hierarchies such as room
/// events when serialized by their base type), plus NaN and infinities written as strings instead of failing.
/// </summary>
internal static class NetworkingJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>
/// Builds frames: a <see cref="FrameBuffer"/> and a JSON writer over it, reused frame after frame. One per send loop,
/// or <see cref="ForCurrentThread"/> for frames built where they are published. Not thread-safe.
/// </summary>
internal sealed class FrameEncoder
{
    [ThreadStatic] private static FrameEncoder? t_current;

    private readonly Utf8JsonWriter _json;

    public FrameEncoder() => _json = new Utf8JsonWriter(Buffer);

    /// <summary>This thread's encoder (for publishers, which run on any thread).</summary>
    public static FrameEncoder ForCurrentThread => t_current ??= new FrameEncoder();

    public FrameBuffer Buffer { get; } = new();

    /// <summary>A JSON writer appending to <see cref="Buffer"/>; call <see cref="Utf8JsonWriter.Flush"/> before writing to the buffer again.</summary>
    public Utf8JsonWriter Json()
    {
        _json.Reset(Buffer);
        return _json;
    }
}
