namespace Game.LoadTest;

internal sealed partial class LoadRunner
{
    /// <summary>Reports <see cref="LoadProgress"/> every <see cref="LoadRunOptions.ProgressInterval"/> until stopped.</summary>
    private async Task ProgressLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.ProgressInterval, _time);
        long lastSnapshots = 0, lastInputs = 0;
        var lastAt = _time.GetTimestamp();
        var lastCpu = CpuTime();
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var now = _time.GetTimestamp();
                var seconds = Math.Max(1e-3, _time.GetElapsedTime(lastAt, now).TotalSeconds);
                lastAt = now;
                var cpu = CpuTime();
                var cpuPercent = (cpu - lastCpu).TotalSeconds / seconds * 100;
                lastCpu = cpu;

                long snapshots = 0, inputs = 0;
                int ccu = 0, failed = 0;
                foreach (var bot in _bots)
                {
                    snapshots += bot.SnapshotsReceived;
                    inputs += bot.InputsSent;
                    switch (bot.State)
                    {
                        case BotState.Playing: ccu++; break;
                        case BotState.Failed: failed++; break;
                    }
                }
                var live = _metrics.TakeLiveInputLatency();
                var endsAt = Volatile.Read(ref _phaseEndsAt);
                var progress = new LoadProgress(
                    _runId,
                    _phase,
                    _time.GetElapsedTime(_startTimestamp, now),
                    endsAt == 0 ? null : TimeSpan.FromSeconds(Math.Max(0, (endsAt - now) / (double)_time.TimestampFrequency)),
                    _bots.Length,
                    Volatile.Read(ref _started),
                    ccu,
                    failed,
                    ccu == 0 ? 0 : (snapshots - lastSnapshots) / seconds / ccu,
                    (inputs - lastInputs) / seconds,
                    live.GetPercentileMilliseconds(50),
                    live.GetPercentileMilliseconds(90),
                    live.GetPercentileMilliseconds(99),
                    live.GetPercentileMilliseconds(100),
                    _metrics.InputLatency.GetPercentileMilliseconds(99),
                    _metrics.JoinLatency.GetPercentileMilliseconds(99),
                    _metrics.Errors,
                    _metrics.Disconnects,
                    cpuPercent)
                {
                    Silos = _cluster?.Current ?? [],
                };
                lastSnapshots = snapshots;
                lastInputs = inputs;
                try
                {
                    _options.Progress?.Invoke(progress);
                }
#pragma warning disable CA1031 // a faulty progress callback must not stop the run
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
