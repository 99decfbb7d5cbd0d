using System.Globalization;

namespace Game.LoadTest.Cli;

/// <summary>One plain line per progress report (for logs and pipes; no escape codes).</summary>
internal sealed class PlainProgressView(TextWriter output) : ProgressView
{
    public override Task<T> RunAsync<T>(Func<Action<LoadProgress>, Task<T>> work) => work(p => output.WriteLine(Format(p)));

    public override void OnStep(SloStep step) => output.WriteLine(FormatStep(step));

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
            $"tester cpu {s.TesterCpuPercent:0}% -> {(step.Held ? "HELD" : "BROKE")}");
    }

    internal static string Phase(LoadPhase phase) => phase switch
    {
        LoadPhase.RampingUp => "ramp-up",
        LoadPhase.WarmingUp => "warm-up",
        LoadPhase.Measuring => "measuring",
        _ => "stopping",
    };
}
