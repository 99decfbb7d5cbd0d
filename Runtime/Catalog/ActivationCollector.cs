using Game.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Catalog;

/// <summary>
/// Deactivates activations that had no activity for <see cref="GrainCollectionOptions.CollectionAge"/>,
/// checking every <see cref="GrainCollectionOptions.CollectionQuantum"/>. Stands for Orleans's <c>ActivationCollector</c>.
/// </summary>
internal sealed class ActivationCollector(Catalog catalog, TimeProvider time, IOptions<GrainCollectionOptions> options, ILogger<ActivationCollector> logger)
    : BackgroundService
{
    // Created with the service (host start), not in ExecuteAsync, which may run later on another thread:
    // the collection period starts when the silo does.
    private readonly PeriodicTimer _timer = new(options.Value.CollectionQuantum, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = _timer;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var collected = CollectOnce(options.Value.CollectionAge);
                if (collected > 0) RuntimeLog.CollectedIdle(logger, collected);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Asks every idle activation to deactivate; returns how many.</summary>
    public int CollectOnce(TimeSpan age)
    {
        var now = time.GetTimestamp();
        var count = 0;
        foreach (var activation in catalog.Activations)
        {
            if (!activation.IsIdle(now, age)) continue;
            activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ActivationIdle, $"no calls for {age}"));
            count++;
        }
        return count;
    }
}
