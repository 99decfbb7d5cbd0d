namespace Game.LoadTest;

/// <summary>
/// The figures of one load run, printed as the last line of the CLI's stdout by <see cref="ToJson"/>.
/// Field names in JSON are given per property; the first eleven are the fixed summary format.
/// </summary>
public sealed record LoadSummary
{
    /// <summary><c>ccu</c>: bots seated and playing when the measurement window closed.</summary>
    public required int Ccu { get; init; }

    /// <summary><c>rooms</c>: rooms the run asked for.</summary>
    public required int Rooms { get; init; }

    /// <summary><c>p50_ms</c>: latency median over the measurement window, ms: input→ack (arena, pong), relay send→receive (relay), draw send→echo (board).</summary>
    public required double P50Ms { get; init; }

    /// <summary><c>p90_ms</c>: input→ack latency 90th percentile, ms.</summary>
    public required double P90Ms { get; init; }

    /// <summary><c>p99_ms</c>: input→ack latency 99th percentile, ms.</summary>
    public required double P99Ms { get; init; }

    /// <summary><c>max_ms</c>: input→ack latency maximum, ms.</summary>
    public required double MaxMs { get; init; }

    /// <summary><c>snapshots_per_bot_s</c>: <c>map</c>s received in the window per seated bot per second (mean over bots seated when the window closed).</summary>
    public required double SnapshotsPerBotPerSecond { get; init; }

    /// <summary><c>join_p99_ms</c>: join latency (join sent → joined received) 99th percentile over every join, ms.</summary>
    public required double JoinP99Ms { get; init; }

    /// <summary><c>errors</c>: <c>error</c> messages received over the whole run.</summary>
    public required long Errors { get; init; }

    /// <summary><c>disconnects</c>: connections of playing bots lost without the tester closing them.</summary>
    public required long Disconnects { get; init; }

    /// <summary><c>duration_s</c>: length of the measurement window, seconds (warm-up and ramp-up excluded).</summary>
    public required double DurationSeconds { get; init; }

    /// <summary><c>target_ccu</c>: bots the run started (rooms × players).</summary>
    public int TargetCcu { get; init; }

    /// <summary><c>players</c>: bots per room.</summary>
    public int PlayersPerRoom { get; init; }

    /// <summary><c>snapshots_min_bot_s</c>: the lowest per-bot snapshot rate in the window, over all started bots (a bot that never joined counts 0).</summary>
    public double SnapshotsMinBotPerSecond { get; init; }

    /// <summary><c>latency_samples</c>: input→ack latencies in the window.</summary>
    public long LatencySamples { get; init; }

    /// <summary><c>input_rate_hz</c>: the rate each bot was driven at (inputs, relays or strokes per second; board at most 30, relay at most 60).</summary>
    public int InputRateHz { get; init; } = 20;

    /// <summary><c>inputs_per_bot_s</c>: inputs sent in the window per seated bot per second (mean); below the configured rate (20) the tester itself fell behind.</summary>
    public double InputsPerBotPerSecond { get; init; }

    /// <summary><c>inputs_sent</c>: inputs sent over the whole run.</summary>
    public long InputsSent { get; init; }

    /// <summary><c>inputs_skipped</c>: input slots skipped because the bot already had 4 sends pending (its socket that far behind).</summary>
    public long InputsSkipped { get; init; }

    /// <summary><c>connect_failures</c>: bots whose WebSocket could not be opened.</summary>
    public long ConnectFailures { get; init; }

    /// <summary><c>join_failures</c>: bots connected but never seated.</summary>
    public long JoinFailures { get; init; }

    /// <summary><c>errors_by_code</c>: <see cref="Errors"/> by protocol error code.</summary>
    public IReadOnlyDictionary<string, long> ErrorsByCode { get; init; } = new Dictionary<string, long>();

    /// <summary><c>encoding</c>: the wire encoding (<c>json</c>).</summary>
    public string Encoding { get; init; } = "json";

    /// <summary>
    /// <c>kind</c>: the room kind the bots played (<c>arena</c>, <c>pong</c>, <c>relay</c>, <c>board</c>). It says what the
    /// latency figures measure (<see cref="RoomKinds.LatencyLabel"/>) and whether snapshots are expected: relay and board do
    /// not tick, so their snapshot and gap figures are 0.
    /// </summary>
    public RoomKind Kind { get; init; } = RoomKind.Arena;

    /// <summary><c>slo_held</c>: whether this run met the SLO (<see cref="SloCriteria.Default"/> unless a search used others).</summary>
    public bool SloHeld { get; init; }

    /// <summary><c>run_id</c>: the run id in the room ids.</summary>
    public string RunId { get; init; } = "";

    /// <summary><c>cancelled</c>: the run was stopped early.</summary>
    public bool Cancelled { get; init; }

    /// <summary>
    /// <c>tester_cpu_pct</c>: CPU the load tester itself used during the window, % of one core (200 = both cores of a
    /// 2-core machine). Compare with the machine's cores to tell whether the tester, not the server, was the bottleneck.
    /// </summary>
    public double TesterCpuPercent { get; init; }

    /// <summary>
    /// <c>gap_max_ms</c>: the longest gap between two consecutive <c>map</c>s any bot saw in the window, ms
    /// (<see cref="BotResult.LongestGapMs"/>): the longest pause of any room, e.g. while its silo failed over. About one
    /// tick period (50 ms at 20 Hz) in a healthy run; 0 when no bot had a gap to measure.
    /// </summary>
    public double GapMaxMs { get; init; }

    /// <summary><c>gap_p50_ms</c>: the median over bots of each bot's longest gap between <c>map</c>s in the window, ms (nearest rank).</summary>
    public double GapP50Ms { get; init; }

    /// <summary><c>gap_p99_ms</c>: the 99th percentile over bots of each bot's longest gap between <c>map</c>s in the window, ms (nearest rank).</summary>
    public double GapP99Ms { get; init; }

    /// <summary>
    /// <c>ack_regressions</c>: bots that saw their own ack go backwards at least once (a <c>map</c> acknowledging less than
    /// the previous one, not right after a <c>joined</c>): bots whose acknowledged inputs the server lost. 0 in a healthy run.
    /// </summary>
    public int AckRegressions { get; init; }

    /// <summary><c>slo_steps</c>: in an SLO search's final line, the number of runs it made; otherwise null (omitted).</summary>
    public int? SloSteps { get; init; }

    /// <summary>
    /// <c>silos</c>: per silo of a clustered server, its figures sampled from the gateway's <c>GET /cluster</c> during the
    /// window (<see cref="SiloSummary"/>), in the order first seen; empty (and omitted from JSON) when the server is not a
    /// cluster, sampling was off, or no sample succeeded.
    /// </summary>
    public IReadOnlyList<SiloSummary> Silos { get; init; } = [];

    /// <summary><c>cluster_samples</c>: successful <c>/cluster</c> samples behind <see cref="Silos"/> (omitted from JSON when there are no silos).</summary>
    public int ClusterSamples { get; init; }

    /// <summary>
    /// <c>cluster_sample_failures</c>: <c>/cluster</c> samples that failed (timeout, refused, error status, unreadable); they
    /// never fail the run. Omitted from JSON when 0. A gateway without a cluster (404) is not a failure.
    /// </summary>
    public int ClusterSampleFailures { get; init; }

    /// <summary><c>chaos</c>: what a chaos soak found (faults, per-fault figures and invariant verdicts, the lobby check); null
    /// (omitted from JSON) without <see cref="LoadRunOptions.Chaos"/>.</summary>
    public ChaosReport? Chaos { get; init; }

    /// <summary>The summary as one line of JSON (no line break), e.g. <c>{"ccu":400,"rooms":50,"p50_ms":21.3,…}</c>.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => LoadSummaryJson.Write(this);
}
