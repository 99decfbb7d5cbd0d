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
            InputRateHz = _options.SendRateHz,
            InputsPerBotPerSecond = playing.Length == 0 ? 0 : playing.Average(b => b.InputsPerSecond),
            InputsSent = bots.Sum(b => b.InputsSent),
            InputsSkipped = bots.Sum(b => b.InputsSkipped) + Interlocked.Read(ref _inputsDropped),
            ConnectFailures = _metrics.ConnectFailures,
            JoinFailures = _metrics.JoinFailures,
            ErrorsByCode = _metrics.ErrorsByCode,
            Encoding = _options.Encoding.ToString().ToLowerInvariant(),
            Kind = _options.Kind,
            RunId = _runId,
            Cancelled = cancelled,
            TesterCpuPercent = testerCpuPercent,
            Silos = _cluster?.Summarize() ?? [],
            ClusterSamples = _cluster?.Samples ?? 0,
            ClusterSampleFailures = _cluster?.Failures ?? 0,
        };
        var gaps = GapFigures(bots);
        summary = summary with { GapMaxMs = gaps.MaxMs, GapP50Ms = gaps.P50Ms, GapP99Ms = gaps.P99Ms, AckRegressions = gaps.AckRegressions };
        return summary with { SloHeld = !cancelled && SloCriteria.Default.IsMetBy(summary) };
    }

    /// <summary>
    /// The snapshot-gap figures over bots: the longest of their longest gaps, the median and 99th percentile of them
    /// (nearest rank; bots without a gap are left out; all 0 when none has one), and the bots that saw an ack regression.
    /// </summary>
    internal static (double MaxMs, double P50Ms, double P99Ms, int AckRegressions) GapFigures(IEnumerable<BotResult> bots)
    {
        var list = bots as IReadOnlyCollection<BotResult> ?? bots.ToList();
        var gaps = list.Where(b => b.LongestGapMs is not null).Select(b => b.LongestGapMs!.Value).Order().ToArray();
        var regressions = list.Count(b => b.AckRegressions > 0);
        return gaps.Length == 0
            ? (0, 0, 0, regressions)
            : (gaps[^1], NearestRank(gaps, 50), NearestRank(gaps, 99), regressions);
    }

    /// <summary>The <paramref name="percent"/> percentile of sorted <paramref name="values"/> by nearest rank.</summary>
    private static double NearestRank(double[] values, double percent) =>
        values[Math.Clamp((int)Math.Ceiling(percent / 100 * values.Length) - 1, 0, values.Length - 1)];
}
