namespace Game.LoadTest;

/// <summary>Everything one load run measured.</summary>
/// <param name="Options">The options the run used.</param>
/// <param name="Summary">The headline figures (the CLI's JSON line).</param>
/// <param name="Bots">Every bot's figures, by index.</param>
/// <param name="InputLatency">Input→ack latencies of the measurement window (for percentiles and histograms).</param>
/// <param name="JoinLatency">Join latencies of every successful join.</param>
/// <param name="StartedAt">When the run started (wall clock).</param>
public sealed record LoadRunResult(
    LoadRunOptions Options,
    LoadSummary Summary,
    IReadOnlyList<BotResult> Bots,
    LatencyHistogram InputLatency,
    LatencyHistogram JoinLatency,
    DateTimeOffset StartedAt)
{
    /// <summary>Whether at least one bot was seated at some point (the CLI exits non-zero when none was).</summary>
    public bool AnyBotJoined => Bots.Any(b => b.JoinLatencyMs is not null);
}
