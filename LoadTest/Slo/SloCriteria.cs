namespace Game.LoadTest;

/// <summary>
/// The service-level objective a capacity search holds the server to: every bot gets at least
/// <see cref="MinSnapshotsPerSecond"/> snapshots per second AND input→ack latency p99 is at most <see cref="MaxP99Ms"/>.
/// </summary>
/// <param name="MinSnapshotsPerSecond">Lowest acceptable per-bot snapshot rate over the window, per second, at the arena's 20 Hz
/// (default 19 of 20); scaled to other kinds' tick rates by <see cref="MinSnapshotsPerSecondFor"/> (pong: 28.5 of 30).</param>
/// <param name="MaxP99Ms">Highest acceptable input→ack p99, ms (default 100).</param>
/// <param name="MinInputShare">Share of the configured input rate the bots must actually have sent (default 0.95): a run in which
/// the tester itself fell behind put less load on the server than asked, so it cannot show that the SLO held.</param>
public sealed record SloCriteria(double MinSnapshotsPerSecond = 19, double MaxP99Ms = 100, double MinInputShare = 0.95)
{
    /// <summary>The default SLO: ≥ 19 snapshots/s for every bot, p99 ≤ 100 ms.</summary>
    public static SloCriteria Default { get; } = new();

    /// <summary>
    /// The lowest acceptable per-bot snapshot rate for rooms of <paramref name="kind"/>: <see cref="MinSnapshotsPerSecond"/>
    /// is for the arena's 20 Hz and scales with the kind's tick rate (19 → 28.5 for pong's 30 Hz); 0 for kinds that do not
    /// tick (relay, board), where the snapshot criterion does not apply.
    /// </summary>
    /// <param name="kind">The room kind.</param>
    /// <returns>Snapshots per second.</returns>
    public double MinSnapshotsPerSecondFor(RoomKind kind) =>
        MinSnapshotsPerSecond * kind.TickHz() / RoomKind.Arena.TickHz();

    /// <summary>
    /// Whether a run met the SLO: every started bot was seated and still playing at the end (so each received
    /// snapshots all along), the lowest per-bot snapshot rate is ≥ <see cref="MinSnapshotsPerSecondFor"/> the kind (kinds
    /// that tick only), there was at least
    /// one latency sample, p99 ≤ <see cref="MaxP99Ms"/>, and the bots sent at least <see cref="MinInputShare"/> of their input rate.
    /// </summary>
    /// <param name="summary">The run's summary.</param>
    /// <returns>True when the SLO held.</returns>
    public bool IsMetBy(LoadSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.Ccu == summary.TargetCcu
            && summary.Ccu > 0
            && (!summary.Kind.Ticks() || summary.SnapshotsMinBotPerSecond >= MinSnapshotsPerSecondFor(summary.Kind))
            && summary.LatencySamples > 0
            && summary.P99Ms <= MaxP99Ms
            && summary.InputsPerBotPerSecond >= MinInputShare * summary.InputRateHz;
    }
}
