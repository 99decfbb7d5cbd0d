using System.Buffers;
using System.Text.Json;

namespace Game.LoadTest;

/// <summary>Writes <see cref="LoadSummary"/> as one JSON line with fixed field names and order.</summary>
internal static class LoadSummaryJson
{
    public static string Write(LoadSummary s)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("ccu", s.Ccu);
            w.WriteNumber("rooms", s.Rooms);
            w.WriteNumber("p50_ms", Round(s.P50Ms));
            w.WriteNumber("p90_ms", Round(s.P90Ms));
            w.WriteNumber("p99_ms", Round(s.P99Ms));
            w.WriteNumber("max_ms", Round(s.MaxMs));
            w.WriteNumber("snapshots_per_bot_s", Round(s.SnapshotsPerBotPerSecond));
            w.WriteNumber("join_p99_ms", Round(s.JoinP99Ms));
            w.WriteNumber("errors", s.Errors);
            w.WriteNumber("disconnects", s.Disconnects);
            w.WriteNumber("duration_s", Round(s.DurationSeconds));
            w.WriteNumber("target_ccu", s.TargetCcu);
            w.WriteNumber("players", s.PlayersPerRoom);
            w.WriteNumber("snapshots_min_bot_s", Round(s.SnapshotsMinBotPerSecond));
            w.WriteNumber("latency_samples", s.LatencySamples);
            w.WriteNumber("input_rate_hz", s.InputRateHz);
            w.WriteNumber("inputs_per_bot_s", Round(s.InputsPerBotPerSecond));
            w.WriteNumber("inputs_sent", s.InputsSent);
            w.WriteNumber("inputs_skipped", s.InputsSkipped);
            w.WriteNumber("connect_failures", s.ConnectFailures);
            w.WriteNumber("join_failures", s.JoinFailures);
            w.WriteStartObject("errors_by_code");
            foreach (var (code, count) in s.ErrorsByCode.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(code, count);
            }
            w.WriteEndObject();
            w.WriteString("encoding", s.Encoding);
            w.WriteBoolean("slo_held", s.SloHeld);
            w.WriteString("run_id", s.RunId);
            w.WriteBoolean("cancelled", s.Cancelled);
            w.WriteNumber("tester_cpu_pct", Math.Round(double.IsFinite(s.TesterCpuPercent) ? s.TesterCpuPercent : 0, 1));
            if (s.SloSteps is { } steps)
            {
                w.WriteNumber("slo_steps", steps);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Three decimals (µs for ms values); NaN and infinities become 0 (JSON has no such numbers).</summary>
    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : 0;
}
