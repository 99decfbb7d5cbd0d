namespace Game.LoadTest;

internal sealed partial class LoadRunner
{
    /// <summary>Samples the cluster's silos for this run, or null when the run does not (<see cref="LoadRunOptions.SampleCluster"/>).</summary>
    private ClusterSampler? _cluster;

    /// <summary>The shortest time between two cluster samples.</summary>
    private static readonly TimeSpan MinClusterSamplePeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Samples <c>/cluster</c> every <see cref="LoadRunOptions.ClusterSampleInterval"/> (at most half the window, so at
    /// least once in its middle) until <paramref name="windowClosed"/> fires or sampling stops (no cluster there).
    /// The last sample is taken by <see cref="SampleClusterAtCloseAsync"/>.
    /// </summary>
    private async Task SampleClusterDuringWindowAsync(ClusterSampler sampler, CancellationToken windowClosed)
    {
        var half = _options.Duration / 2;
        var period = _options.ClusterSampleInterval < half ? _options.ClusterSampleInterval : half;
        if (period < MinClusterSamplePeriod)
        {
            period = MinClusterSamplePeriod; // a very short window: no burst of requests
        }
        try
        {
            while (!sampler.Stopped)
            {
                await Task.Delay(period, _time, windowClosed).ConfigureAwait(false);
                await sampler.SampleAsync(windowClosed).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The sample taken as the window closes, while the bots still play (bounded by <see cref="LoadRunOptions.ClusterSampleTimeout"/>);
    /// skipped when the run was cancelled or never measured.
    /// </summary>
    private Task SampleClusterAtCloseAsync(bool measured, bool cancelled) =>
        _cluster is { } sampler && measured && !cancelled ? sampler.SampleAsync(CancellationToken.None) : Task.CompletedTask;
}
