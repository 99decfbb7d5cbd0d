using System.Globalization;

namespace Game.LoadTest.Cli;

/// <summary>One plain line per progress report (for logs and pipes; no escape codes), after a first line with the title (rooms, kind, bots).</summary>
internal sealed class PlainProgressView(TextWriter output, string? title = null) : ProgressView
{
    public override Task<T> RunAsync<T>(Func<Action<LoadProgress>, Task<T>> work)
    {
        if (title is not null)
        {
            output.WriteLine(title);
        }
        return work(p => output.WriteLine(Format(p)));
    }

    public override void OnStep(SloStep step) => output.WriteLine(FormatStep(step));

    public override void ShowSilos(IReadOnlyList<SiloSummary> silos)
    {
        foreach (var silo in silos)
        {
            output.WriteLine(FormatSilo(silo));
        }
    }

    public override void ShowGaps(LoadSummary summary) => output.WriteLine(FormatGaps(summary));

    /// <summary>
    /// The window's pauses between <c>map</c>s and the lost acks in one line:
    /// <c>gaps between maps: longest 51.2 ms, median bot 50.4 ms, p99 bot 51.0 ms; bots whose ack went backwards 0</c>.
    /// </summary>
    /// For kinds that do not tick (relay, board) it says so and gives the kind's latency instead:
    /// <c>kind relay: no maps (no tick); relay send→receive p50 1.2 ms, p99 3.4 ms over 5200 samples</c>.
    internal static string FormatGaps(LoadSummary s) => s.Kind.Ticks()
        ? string.Create(CultureInfo.InvariantCulture,
            $"gaps between maps: longest {s.GapMaxMs:0.0} ms, median bot {s.GapP50Ms:0.0} ms, p99 bot {s.GapP99Ms:0.0} ms; " +
            $"bots whose ack went backwards {s.AckRegressions}")
        : string.Create(CultureInfo.InvariantCulture,
            $"kind {s.Kind.WireName()}: no maps (no tick); {s.Kind.LatencyLabel()} p50 {s.P50Ms:0.0} ms, p99 {s.P99Ms:0.0} ms over {s.LatencySamples} samples");

    /// <summary>One silo in one short line: <c>silo a (127.0.0.1:11111@1) active: rooms 12 players 96 tick p99 4.5 ms cpu 37%</c>.</summary>
    internal static string FormatSilo(SiloSummary silo) => string.Create(CultureInfo.InvariantCulture,
        $"silo {silo.Label}{(silo.Name.Length > 0 ? $" ({silo.Address})" : "")} {silo.Status}: rooms {silo.Rooms} players {silo.Players}" +
        $" tick p99 {(silo.TickP99Ms is { } tick ? tick.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "-")}" +
        $" cpu {(silo.CpuPercent is { } cpu ? cpu.ToString("0", CultureInfo.InvariantCulture) + "%" : "-")}");

    internal static string Format(LoadProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"[{p.Elapsed.TotalSeconds,6:0.0}s] {Phase(p.Phase),-10} ccu {p.Ccu}/{p.TargetBots}" +
        $"{(p.Started < p.TargetBots ? $" (started {p.Started})" : "")}{(p.Failed > 0 ? $" failed {p.Failed}" : "")}" +
        $"  snap/bot/s {p.SnapshotsPerBotPerSecond:0.0}  in/s {p.InputsPerSecond:0}" +
        $"  lat p50 {p.P50Ms:0.0} p90 {p.P90Ms:0.0} p99 {p.P99Ms:0.0} max {p.MaxMs:0.0} ms" +
        $"  join p99 {p.JoinP99Ms:0.0} ms  errors {p.Errors}  disconnects {p.Disconnects}  tester cpu {p.TesterCpuPercent:0}%" +
        $"{(p.PhaseRemaining is { } left ? $"  ({left.TotalSeconds:0}s left)" : "")}");

    internal static string FormatStep(SloStep step)
    {
        var s = step.Result.Summary;
        return string.Create(CultureInfo.InvariantCulture,
            $"slo step {step.Number}{(step.Attempt > 1 ? $" (re-run {step.Attempt})" : "")}: rooms {step.Rooms} ccu {s.Ccu}/{s.TargetCcu} p99 {s.P99Ms:0.0} ms " +
            $"snapshots/s lowest bot {s.SnapshotsMinBotPerSecond:0.0} inputs/bot/s {s.InputsPerBotPerSecond:0.0} errors {s.Errors} disconnects {s.Disconnects} " +
            $"tester cpu {s.TesterCpuPercent:0}% -> {(step.Held ? "HELD" : "BROKE")}")
            + string.Concat(s.Silos.Select(silo => Environment.NewLine + "  " + FormatSilo(silo)));
    }

    internal static string Phase(LoadPhase phase) => phase switch
    {
        LoadPhase.RampingUp => "ramp-up",
        LoadPhase.WarmingUp => "warm-up",
        LoadPhase.Measuring => "measuring",
        LoadPhase.Lingering => "lingering",
        _ => "stopping",
    };
}
