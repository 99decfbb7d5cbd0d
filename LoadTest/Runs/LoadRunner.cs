namespace Game.LoadTest;

/// <summary>
/// Orchestrates one load run (the engine behind <see cref="LoadRun.RunAsync"/>): ramp-up, warm-up, measurement, stop.
/// </summary>
/// <remarks>
/// Partial files: <c>LoadRunner.cs</c> (timeline), <c>LoadRunner.Ramp.cs</c> (starting bots),
/// <c>LoadRunner.Inputs.cs</c> (the one loop that sends every bot's inputs), <c>LoadRunner.Progress.cs</c> (live figures),
/// <c>LoadRunner.Cluster.cs</c> (sampling the cluster's silos), <c>LoadRunner.Results.cs</c> (summary).
/// </remarks>
internal sealed partial class LoadRunner
{
    private readonly LoadRunOptions _options;
    private readonly TimeProvider _time;
    private readonly RunMetrics _metrics;
    private readonly IBotCodec _codec;
    private readonly string _runId;
    private readonly Bot[] _bots;
    private volatile LoadPhase _phase = LoadPhase.RampingUp;
    private long _startTimestamp;
    private long _phaseEndsAt;
    private TimeSpan _cpuAtMeasureStart;

    public LoadRunner(LoadRunOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        _metrics = new RunMetrics(_time);
        _codec = BotCodecs.Create(options.Encoding);
        _runId = options.RunId ?? LoadRun.NewRunId();
        _bots = new Bot[options.TotalBots];
    }

    public async Task<LoadRunResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        _startTimestamp = _time.GetTimestamp();

        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = _options.HandshakeTimeout,
        };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        CreateBots(invoker);
        await using var chaos = _options.Chaos is null ? null : new ChaosMonkey(_options, _runId);
        var chaosTask = Task.FromResult(ChaosLobbyCheck.NotChecked("the window never opened"));
        if (chaos is not null)
        {
            foreach (var bot in _bots)
            {
                bot.Chaos = chaos.Ledger;
            }
        }
        using var cluster = _cluster = ClusterSampler.Create(_options);

        using var stopLoops = new CancellationTokenSource();
        var inputLoop = StartInputLoop(stopLoops.Token);
        var progressLoop = _options.Progress is null
            ? Task.CompletedTask
            : Task.Run(() => ProgressLoopAsync(stopLoops.Token), CancellationToken.None);

        var cancelled = false;
        var sampling = Task.CompletedTask;
        using var windowClosed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            if (chaos is not null)
            {
                await chaos.StartSilosAsync(cancellationToken).ConfigureAwait(false);
            }
            var anyJoined = await RampUpAsync(cancellationToken).ConfigureAwait(false);
            if (anyJoined)
            {
                await RunPhaseAsync(LoadPhase.WarmingUp, _options.Warmup, cancellationToken).ConfigureAwait(false);
                _metrics.BeginMeasurement();
                _cpuAtMeasureStart = CpuTime();
                if (chaos is not null)
                {
                    chaosTask = chaos.RunAsync(_metrics.MeasurementStartTimestamp, ExpectedRooms, windowClosed.Token);
                }
                if (cluster is not null)
                {
                    sampling = SampleClusterDuringWindowAsync(cluster, windowClosed.Token);
                }
                await RunPhaseAsync(LoadPhase.Measuring, _options.Duration, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        // Freeze the figures at the window's end, before closing changes any bot's state.
        var measured = _metrics.IsMeasuring;
        _metrics.EndMeasurement();
        var window = _metrics.MeasuredDuration;
        var testerCpu = measured && window > TimeSpan.Zero ? (CpuTime() - _cpuAtMeasureStart) / window * 100 : 0;
        var bots = Array.ConvertAll(_bots, b => b.ToResult(window));
        await windowClosed.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var lobby = await chaosTask.ConfigureAwait(false);
        chaos?.Ledger.Finish(_time.GetTimestamp());
        await SampleClusterAtCloseAsync(measured, cancelled).ConfigureAwait(false);
        if (measured && !cancelled && _options.Linger > TimeSpan.Zero)
        {
            // The figures are frozen; the bots play on, uncounted, for whoever probes the server now.
            try
            {
                await RunPhaseAsync(LoadPhase.Lingering, _options.Linger, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        _phase = LoadPhase.Stopping;
        Volatile.Write(ref _phaseEndsAt, 0);
        _metrics.BeginClosing();
        await stopLoops.CancelAsync().ConfigureAwait(false);
        await inputLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_bots.Select(b => b.CloseAsync(_options.CloseTimeout))).ConfigureAwait(false);
        await progressLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        var summary = BuildSummary(bots, window, cancelled, testerCpu);
        if (chaos is not null)
        {
            summary = summary with { Chaos = new ChaosReport([.. chaos.Events], chaos.Ledger.Summarize(_options.Chaos!.Rotation), lobby) { SiloExits = [.. chaos.SiloExits] } };
        }
        return new LoadRunResult(_options with { RunId = _runId, ClusterUrl = cluster?.Url ?? _options.ClusterUrl }, summary, bots,
            _metrics.InputLatency, _metrics.JoinLatency, startedAt);
    }

    /// <summary>Players per room of the bots still playing (for the chaos soak's lobby check).</summary>
    private Dictionary<string, int> ExpectedRooms() =>
        _bots.Where(b => b.State == BotState.Playing).GroupBy(b => b.Settings.Room, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>CPU time this process has used (all threads): the tester's own load, to tell whether it is the bottleneck.</summary>
    private static TimeSpan CpuTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private void CreateBots(HttpMessageInvoker invoker)
    {
        var urls = _options.Urls;
        for (var i = 0; i < _bots.Length; i++)
        {
            var settings = new BotSettings(i, $"bot-{i}", LoadRun.RoomId(_runId, i / _options.PlayersPerRoom), urls[i % urls.Count])
            {
                InputRateHz = _options.SendRateHz,
                HandshakeTimeout = _options.HandshakeTimeout,
                Kind = _options.Kind,
                RoomMax = _options.Kind.JoinMax(_options.PlayersPerRoom),
            };
            _bots[i] = new Bot(settings, _codec, _metrics, invoker);
        }
    }

    private async Task RunPhaseAsync(LoadPhase phase, TimeSpan length, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        Volatile.Write(ref _phaseEndsAt, start + (long)(length.TotalSeconds * _time.TimestampFrequency));
        _phase = phase;
        if (length > TimeSpan.Zero)
        {
            await Task.Delay(length, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
