using System.Buffers;
using System.Text.Json;

namespace Game.LoadTest;

/// <summary>Writes <see cref="LoadSummary"/> as one JSON line with fixed field names and order.</summary>
internal static class LoadSummaryJson
{
    public static string Write(LoadSummary s)
    {
        var buffer = new ArrayBufferWriter<byte>(s.Silos.Count > 0 ? 1024 : 512);
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
            w.WriteString("kind", s.Kind.WireName());
            w.WriteBoolean("slo_held", s.SloHeld);
            w.WriteString("run_id", s.RunId);
            w.WriteBoolean("cancelled", s.Cancelled);
            w.WriteNumber("tester_cpu_pct", Math.Round(double.IsFinite(s.TesterCpuPercent) ? s.TesterCpuPercent : 0, 1));
            w.WriteNumber("gap_max_ms", Round(s.GapMaxMs));
            w.WriteNumber("gap_p50_ms", Round(s.GapP50Ms));
            w.WriteNumber("gap_p99_ms", Round(s.GapP99Ms));
            w.WriteNumber("ack_regressions", s.AckRegressions);
            if (s.SloSteps is { } steps)
            {
                w.WriteNumber("slo_steps", steps);
            }
            if (s.ClusterSampleFailures > 0)
            {
                w.WriteNumber("cluster_sample_failures", s.ClusterSampleFailures);
            }
            if (s.Silos.Count > 0)
            {
                w.WriteNumber("cluster_samples", s.ClusterSamples);
                w.WriteStartArray("silos");
                foreach (var silo in s.Silos)
                {
                    w.WriteStartObject();
                    w.WriteString("name", silo.Name);
                    w.WriteString("address", silo.Address);
                    w.WriteString("status", silo.Status);
                    w.WriteNumber("rooms", silo.Rooms);
                    w.WriteNumber("players", silo.Players);
                    WriteNullable(w, "tick_p99_ms", silo.TickP99Ms, 3);
                    WriteNullable(w, "cpu_pct", silo.CpuPercent, 1);
                    WriteNullable(w, "tick_late_p99_ms_max", silo.TickLateP99MsMax, 3);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (s.Chaos is { } chaos)
            {
                WriteChaos(w, chaos);
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteChaos(Utf8JsonWriter w, ChaosReport chaos)
    {
        w.WriteStartObject("chaos");
        w.WriteBoolean("held", chaos.Held);
        w.WriteStartArray("faults");
        foreach (var e in chaos.Events)
        {
            w.WriteStartObject();
            w.WriteString("fault", e.Fault.WireName());
            w.WriteString("target", e.Target);
            w.WriteNumber("at_s", Math.Round(e.AtSeconds, 1));
            WriteNullable(w, "healed_at_s", e.HealedAtSeconds, 1);
            if (e.Error is not null)
            {
                w.WriteString("error", e.Error);
            }
            if (e.Skipped is not null)
            {
                w.WriteString("skipped", e.Skipped);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("silo_exits");
        foreach (var x in chaos.SiloExits)
        {
            w.WriteStartObject();
            w.WriteString("target", x.Target);
            w.WriteNumber("pid", x.Pid);
            w.WriteNumber("at_s", Math.Round(x.AtSeconds, 1));
            if (x.ExitCode is { } code)
            {
                w.WriteNumber("exit_code", code);
            }
            else
            {
                w.WriteNull("exit_code");
            }
            w.WriteBoolean("after_freeze", x.AfterFreeze);
            w.WriteBoolean("during_startup", x.DuringStartup);
            w.WriteBoolean("held", x.Held);
            if (x.RestartedPid is { } pid)
            {
                w.WriteNumber("restarted_pid", pid);
            }
            else
            {
                w.WriteNull("restarted_pid");
            }
            if (x.NotRestartedBecause is not null)
            {
                w.WriteString("not_restarted_because", x.NotRestartedBecause);
            }
            if (x.RestartError is not null)
            {
                w.WriteString("restart_error", x.RestartError);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("by_fault");
        foreach (var f in chaos.ByFault)
        {
            w.WriteStartObject(f.Fault.WireName());
            w.WriteNumber("count", f.Count);
            w.WriteNumber("gap_max_ms", Round(f.GapMaxMs));
            w.WriteNumber("gap_p50_ms", Round(f.GapP50Ms));
            w.WriteNumber("hello_failures", f.HelloFailures);
            w.WriteNumber("join_failures", f.JoinFailures);
            w.WriteStartObject("single_activation");
            w.WriteBoolean("held", f.SingleActivationHeld);
            w.WriteNumber("tick_duplicates", f.TickDuplicates);
            w.WriteNumber("tick_rewinds_over_1s", f.TickRewindsTooFar);
            w.WriteNumber("tick_rewinds_repeated", f.TickRewindsRepeated);
            w.WriteEndObject();
            w.WriteStartObject("seats");
            w.WriteBoolean("held", f.SeatsHeld);
            w.WriteNumber("disconnects", f.Disconnects);
            w.WriteNumber("resumed", f.Resumed);
            w.WriteEndObject();
            w.WriteStartObject("acks");
            w.WriteBoolean("held", f.AcksHeld);
            w.WriteNumber("regressions", f.AckRegressions);
            w.WriteEndObject();
            w.WriteStartObject("joins");
            w.WriteBoolean("held", f.JoinsHeld);
            w.WriteNumber("failures_after_heal", f.ProbeFailuresAfterHeal);
            w.WriteNumber("retries_after_heal", f.ProbeRetriesAfterHeal);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        var l = chaos.Lobby;
        w.WriteStartObject("lobby");
        w.WriteBoolean("held", l.Held);
        w.WriteBoolean("checked", l.Checked);
        w.WriteNumber("expected_rooms", l.ExpectedRooms);
        w.WriteNumber("listed_rooms", l.ListedRooms);
        w.WriteNumber("ghost_rooms", l.GhostRooms);
        w.WriteNumber("missing_rooms", l.MissingRooms);
        w.WriteNumber("wrong_counts", l.WrongCounts);
        w.WriteNumber("attempts", l.Attempts);
        w.WriteStartArray("retries");
        foreach (var retry in l.Retries)
        {
            w.WriteStringValue(retry);
        }
        w.WriteEndArray();
        if (l.Error is not null)
        {
            w.WriteString("error", l.Error);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A number rounded to <paramref name="decimals"/>, or JSON null when absent or not finite.</summary>
    private static void WriteNullable(Utf8JsonWriter w, string name, double? value, int decimals)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, decimals));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>Three decimals (µs for ms values); NaN and infinities become 0 (JSON has no such numbers).</summary>
    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 3) : 0;
}
