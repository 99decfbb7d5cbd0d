using System.Text.Json;

namespace Game.LoadTest.Tests;

public sealed class LoadSummaryJsonTests
{
    private static readonly string[] RequiredFields =
        ["ccu", "rooms", "p50_ms", "p90_ms", "p99_ms", "max_ms", "snapshots_per_bot_s", "join_p99_ms", "errors", "disconnects", "duration_s"];

    private static LoadSummary Sample() => new()
    {
        Ccu = 400,
        Rooms = 50,
        P50Ms = 21.12345,
        P90Ms = 40.5,
        P99Ms = 48.25,
        MaxMs = 61,
        SnapshotsPerBotPerSecond = 19.98765,
        JoinP99Ms = 12.5,
        Errors = 3,
        Disconnects = 1,
        DurationSeconds = 30.0004,
        TargetCcu = 400,
        PlayersPerRoom = 8,
        ErrorsByCode = new Dictionary<string, long> { ["rate_limited"] = 2, ["bad_request"] = 1 },
        SloHeld = true,
        RunId = "abc123",
    };

    [Fact]
    public void Summary_is_one_line_starting_with_the_required_fields_in_order()
    {
        var json = Sample().ToJson();

        Assert.DoesNotContain('\n', json);
        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(RequiredFields, names.Take(RequiredFields.Length));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Required_fields_carry_the_summary_values()
    {
        using var doc = JsonDocument.Parse(Sample().ToJson());
        var root = doc.RootElement;

        Assert.Equal(400, root.GetProperty("ccu").GetInt32());
        Assert.Equal(50, root.GetProperty("rooms").GetInt32());
        Assert.Equal(21.123, root.GetProperty("p50_ms").GetDouble());
        Assert.Equal(40.5, root.GetProperty("p90_ms").GetDouble());
        Assert.Equal(48.25, root.GetProperty("p99_ms").GetDouble());
        Assert.Equal(61, root.GetProperty("max_ms").GetDouble());
        Assert.Equal(19.988, root.GetProperty("snapshots_per_bot_s").GetDouble());
        Assert.Equal(12.5, root.GetProperty("join_p99_ms").GetDouble());
        Assert.Equal(3, root.GetProperty("errors").GetInt64());
        Assert.Equal(1, root.GetProperty("disconnects").GetInt64());
        Assert.Equal(30, root.GetProperty("duration_s").GetDouble());
    }

    [Fact]
    public void Extra_fields_include_errors_by_code_encoding_and_slo()
    {
        using var doc = JsonDocument.Parse(Sample().ToJson());
        var root = doc.RootElement;

        var byCode = root.GetProperty("errors_by_code");
        Assert.Equal(2, byCode.GetProperty("rate_limited").GetInt64());
        Assert.Equal(1, byCode.GetProperty("bad_request").GetInt64());
        Assert.Equal("json", root.GetProperty("encoding").GetString());
        Assert.True(root.GetProperty("slo_held").GetBoolean());
        Assert.Equal("abc123", root.GetProperty("run_id").GetString());
        Assert.False(root.TryGetProperty("slo_steps", out _));
    }

    [Fact]
    public void Gap_and_ack_regression_figures_are_extra_fields_before_the_silos()
    {
        var summary = Sample() with
        {
            GapMaxMs = 3_456.78912, GapP50Ms = 50.1234, GapP99Ms = 3_400.5, AckRegressions = 7,
            Silos = [new SiloSummary("127.0.0.1:11111@1", "silo-a", "active", 12, 96, 4.5, 37.2, 3)], ClusterSamples = 3,
        };

        using var doc = JsonDocument.Parse(summary.ToJson());
        var root = doc.RootElement;

        Assert.Equal(3_456.789, root.GetProperty("gap_max_ms").GetDouble());
        Assert.Equal(50.123, root.GetProperty("gap_p50_ms").GetDouble());
        Assert.Equal(3_400.5, root.GetProperty("gap_p99_ms").GetDouble());
        Assert.Equal(7, root.GetProperty("ack_regressions").GetInt32());
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(RequiredFields, names.Take(RequiredFields.Length));
        Assert.Equal("silos", names[^1]);

        using var healthy = JsonDocument.Parse(Sample().ToJson()); // always present, 0 when nothing was measured
        Assert.Equal(0, healthy.RootElement.GetProperty("gap_max_ms").GetDouble());
        Assert.Equal(0, healthy.RootElement.GetProperty("ack_regressions").GetInt32());
    }

    [Fact]
    public void Silos_are_listed_after_the_other_fields_with_their_figures()
    {
        var summary = Sample() with
        {
            Silos =
            [
                new SiloSummary("127.0.0.1:11111@1", "silo-a", "active", 12, 96, 4.5004, 37.26, 3) { TickLateP99MsMax = 12.3456 },
                new SiloSummary("127.0.0.1:11112@2", "", "joining", 0, 0, null, null, 1),
            ],
            ClusterSamples = 3,
        };

        using var doc = JsonDocument.Parse(summary.ToJson());
        var root = doc.RootElement;

        Assert.Equal(RequiredFields, root.EnumerateObject().Select(p => p.Name).Take(RequiredFields.Length));
        Assert.Equal("silos", root.EnumerateObject().Last().Name);
        Assert.Equal(3, root.GetProperty("cluster_samples").GetInt32());
        Assert.False(root.TryGetProperty("cluster_sample_failures", out _));
        var silos = root.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(2, silos.Count);
        Assert.Equal(["name", "address", "status", "rooms", "players", "tick_p99_ms", "cpu_pct", "tick_late_p99_ms_max"], silos[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(12.346, silos[0].GetProperty("tick_late_p99_ms_max").GetDouble());
        Assert.Equal(JsonValueKind.Null, silos[1].GetProperty("tick_late_p99_ms_max").ValueKind);
        Assert.Equal("silo-a", silos[0].GetProperty("name").GetString());
        Assert.Equal("127.0.0.1:11111@1", silos[0].GetProperty("address").GetString());
        Assert.Equal("active", silos[0].GetProperty("status").GetString());
        Assert.Equal(12, silos[0].GetProperty("rooms").GetInt32());
        Assert.Equal(96, silos[0].GetProperty("players").GetInt32());
        Assert.Equal(4.5, silos[0].GetProperty("tick_p99_ms").GetDouble());
        Assert.Equal(37.3, silos[0].GetProperty("cpu_pct").GetDouble());
        Assert.Equal(JsonValueKind.Null, silos[1].GetProperty("tick_p99_ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, silos[1].GetProperty("cpu_pct").ValueKind);
    }

    [Fact]
    public void Without_silos_there_is_no_silos_field_and_failed_samples_are_counted()
    {
        using var plain = JsonDocument.Parse(Sample().ToJson());
        Assert.False(plain.RootElement.TryGetProperty("silos", out _));
        Assert.False(plain.RootElement.TryGetProperty("cluster_samples", out _));
        Assert.False(plain.RootElement.TryGetProperty("cluster_sample_failures", out _));

        using var failed = JsonDocument.Parse((Sample() with { ClusterSampleFailures = 2 }).ToJson());
        Assert.Equal(2, failed.RootElement.GetProperty("cluster_sample_failures").GetInt32());
        Assert.False(failed.RootElement.TryGetProperty("silos", out _));
    }

    [Fact]
    public void Numbers_that_json_cannot_carry_become_zero()
    {
        var json = (Sample() with { P99Ms = double.NaN, MaxMs = double.PositiveInfinity }).ToJson();

        using var doc = JsonDocument.Parse(json);
        Assert.Equal(0, doc.RootElement.GetProperty("p99_ms").GetDouble());
        Assert.Equal(0, doc.RootElement.GetProperty("max_ms").GetDouble());
    }

    [Fact]
    public void Slo_criteria_need_every_bot_seated_fast_snapshots_and_low_p99()
    {
        var held = Sample() with { SnapshotsMinBotPerSecond = 19.5, LatencySamples = 1000, P99Ms = 80, InputRateHz = 20, InputsPerBotPerSecond = 19.9 };

        Assert.True(SloCriteria.Default.IsMetBy(held));
        Assert.False(SloCriteria.Default.IsMetBy(held with { P99Ms = 100.5 }));
        Assert.False(SloCriteria.Default.IsMetBy(held with { SnapshotsMinBotPerSecond = 18.9 }));
        Assert.False(SloCriteria.Default.IsMetBy(held with { Ccu = 399 }));
        Assert.False(SloCriteria.Default.IsMetBy(held with { LatencySamples = 0 }));
        Assert.False(SloCriteria.Default.IsMetBy(held with { InputsPerBotPerSecond = 15 })); // the tester fell behind
    }
}
