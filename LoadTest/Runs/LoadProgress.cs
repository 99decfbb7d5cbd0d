namespace Game.LoadTest;

/// <summary>Live figures of a running load run, reported every <see cref="LoadRunOptions.ProgressInterval"/>.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Phase">The current phase.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="PhaseRemaining">Time left in a timed phase (warm-up, measuring); null while ramping up or stopping.</param>
/// <param name="TargetBots">Bots the run will start (rooms × players).</param>
/// <param name="Started">Bots started so far.</param>
/// <param name="Ccu">Bots seated and playing now (concurrent users).</param>
/// <param name="Failed">Bots that could not connect or join.</param>
/// <param name="SnapshotsPerBotPerSecond"><c>map</c>s received per playing bot per second over the last interval.</param>
/// <param name="InputsPerSecond">Inputs sent per second over the last interval, all bots.</param>
/// <param name="P50Ms">Input→ack latency median over the last interval, ms (warm-up included).</param>
/// <param name="P90Ms">Input→ack latency p90 over the last interval, ms.</param>
/// <param name="P99Ms">Input→ack latency p99 over the last interval, ms.</param>
/// <param name="MaxMs">Input→ack latency maximum over the last interval, ms.</param>
/// <param name="WindowP99Ms">Input→ack latency p99 over the measurement window so far, ms (0 before it opens).</param>
/// <param name="JoinP99Ms">Join latency p99 so far, ms.</param>
/// <param name="Errors"><c>error</c> messages so far.</param>
/// <param name="Disconnects">Disconnects so far.</param>
/// <param name="TesterCpuPercent">CPU the tester itself used over the last interval, % of one core.</param>
public sealed record LoadProgress(
    string RunId,
    LoadPhase Phase,
    TimeSpan Elapsed,
    TimeSpan? PhaseRemaining,
    int TargetBots,
    int Started,
    int Ccu,
    int Failed,
    double SnapshotsPerBotPerSecond,
    double InputsPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    double WindowP99Ms,
    double JoinP99Ms,
    long Errors,
    long Disconnects,
    double TesterCpuPercent)
{
    /// <summary>
    /// The cluster's silos as sampled so far in the measurement window (<see cref="SiloSummary"/>: last sample's rooms,
    /// players, status and tick p99, mean CPU); empty before the first sample or when the server is not a cluster.
    /// </summary>
    public IReadOnlyList<SiloSummary> Silos { get; init; } = [];
}
