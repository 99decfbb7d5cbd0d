namespace Game.LoadTest;

internal sealed partial class LoadRunner
{
    private LoadSummary BuildSummary(BotResult[] bots, TimeSpan window, bool cancelled, double testerCpuPercent)
    {
        var playing = bots.Where(b => b.State == BotState.Playing).ToArray();
        var latency = _metrics.InputLatency;
        var summary = new LoadSummary
        {
            Ccu = playing.Length,
            Rooms = _options.Rooms,
            P50Ms = latency.GetPercentileMilliseconds(50),
            P90Ms = latency.GetPercentileMilliseconds(90),
            P99Ms = latency.GetPercentileMilliseconds(99),
            MaxMs = latency.GetPercentileMilliseconds(100),
            SnapshotsPerBotPerSecond = playing.Length == 0 ? 0 : playing.Average(b => b.SnapshotsPerSecond),
            JoinP99Ms = _metrics.JoinLatency.GetPercentileMilliseconds(99),
            Errors = _metrics.Errors,
            Disconnects = _metrics.Disconnects,
            DurationSeconds = window.TotalSeconds,
            TargetCcu = _options.TotalBots,
            PlayersPerRoom = _options.PlayersPerRoom,
            SnapshotsMinBotPerSecond = bots.Length == 0 ? 0 : bots.Min(b => b.SnapshotsPerSecond),
            LatencySamples = latency.TotalCount,
            InputRateHz = _options.InputRateHz,
            InputsPerBotPerSecond = playing.Length == 0 ? 0 : playing.Average(b => b.InputsPerSecond),
            InputsSent = bots.Sum(b => b.InputsSent),
            InputsSkipped = bots.Sum(b => b.InputsSkipped) + Interlocked.Read(ref _inputsDropped),
            ConnectFailures = _metrics.ConnectFailures,
            JoinFailures = _metrics.JoinFailures,
            ErrorsByCode = _metrics.ErrorsByCode,
            Encoding = _options.Encoding.ToString().ToLowerInvariant(),
            RunId = _runId,
            Cancelled = cancelled,
            TesterCpuPercent = testerCpuPercent,
            Silos = _cluster?.Summarize() ?? [],
            ClusterSamples = _cluster?.Samples ?? 0,
            ClusterSampleFailures = _cluster?.Failures ?? 0,
        };
        return summary with { SloHeld = !cancelled && SloCriteria.Default.IsMetBy(summary) };
    }
}
