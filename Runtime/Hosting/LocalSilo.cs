using Game.Runtime.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Hosting;

/// <summary>This silo's identity. Stands for Orleans's <c>ILocalSiloDetails</c>.</summary>
public interface ILocalSiloDetails
{
    /// <summary>This silo's address (endpoint and generation).</summary>
    SiloAddress SiloAddress { get; }
}

/// <summary>This silo's address and lifecycle status. In cluster mode the endpoint is set once the silo's listener is bound.</summary>
internal sealed class LocalSilo(TimeProvider time) : ILocalSiloDetails, ISiloStatusOracle
{
    private volatile SiloStatus _status = SiloStatus.Created;

    public SiloAddress SiloAddress { get; private set; } = new("127.0.0.1", 0, time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>A name for operators: the host name and the cluster port.</summary>
    public string Name => $"{Environment.MachineName}:{SiloAddress.Port}";

    /// <summary>Sets the cluster endpoint (before the silo joins); the generation stays the process start.</summary>
    public void SetEndpoint(string host, int port) => SiloAddress = SiloAddress with { Host = host, Port = port };

    public SiloStatus CurrentStatus => _status;

    public void SetStatus(SiloStatus status) => _status = status;
}

/// <summary>
/// Starts and stops the silo with the host: Joining → Active on start; on stop, ShuttingDown, every
/// activation deactivated (OnDeactivateAsync runs), timers stopped, then Dead.
/// </summary>
internal sealed class SiloLifecycleService(LocalSilo silo, Catalog.Catalog catalog, Timers.TimerScheduler timers,
    IOptions<GrainCollectionOptions> collection, ILogger<SiloLifecycleService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        silo.SetStatus(SiloStatus.Joining);
        silo.SetStatus(SiloStatus.Active);
        RuntimeLog.SiloStarted(logger, silo.SiloAddress.ToString());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        silo.SetStatus(SiloStatus.ShuttingDown);
        RuntimeLog.SiloStopping(logger, silo.SiloAddress.ToString(), catalog.ActivationCount);
        await catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "silo stopping"), collection.Value.DeactivationTimeout);
        timers.Dispose();
        silo.SetStatus(SiloStatus.Dead);
    }
}
