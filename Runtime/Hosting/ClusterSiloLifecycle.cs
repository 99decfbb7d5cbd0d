using Game.Runtime.Membership;
using Game.Runtime.Networking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Hosting;

/// <summary>
/// A silo's life in a cluster. Starting: take the listener's bound endpoint as this silo's address, create or
/// migrate the schema, join the membership table (Joining → Active), then heartbeat. Stopping (SIGTERM): mark
/// ShuttingDown (placement stops choosing it), deactivate every activation — rooms with players checkpoint and
/// are re-activated on other silos by the calls they leave behind — then mark Dead. A silo the cluster already
/// declared dead just stops.
/// </summary>
internal sealed partial class ClusterSiloLifecycle(IServiceProvider services, LocalSilo silo, MembershipService membership,
    Catalog.Catalog catalog, Timers.TimerScheduler timers, IOptions<GrainCollectionOptions> collection,
    IHostApplicationLifetime lifetime, ILogger<ClusterSiloLifecycle> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var listener = services.GetRequiredService<SiloListener>();
        silo.SetEndpoint(listener.AdvertisedHost, listener.Port);
        var cpu = new ProcessCpuMeter(timers.Time);
        membership.AttachSilo(new SiloMembershipRole(silo,
            () => new SiloLoad(catalog.ActivationCount, timers.Statistics.P99(), Math.Round(cpu.Read(), 1)),
            services.GetService<ISiloProber>(), lifetime));
        return Task.CompletedTask;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await membership.InitializeAsync(cancellationToken);
        await membership.JoinAsync(cancellationToken);
        Log.Joined(logger, silo.SiloAddress.ToString());
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (silo.CurrentStatus is not (SiloStatus.Active or SiloStatus.Joining)) return;
        try
        {
            if (!await membership.SetOwnStatusAsync(SiloStatus.ShuttingDown, cancellationToken)) return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.LeaveFailed(logger, ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var started = timers.Time.GetTimestamp();
        Log.Leaving(logger, silo.SiloAddress.ToString(), catalog.ActivationCount);
        await catalog.DeactivateAllAsync(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "silo stopping"), collection.Value.DeactivationTimeout);
        if (silo.CurrentStatus != SiloStatus.Dead)
        {
            try
            {
                await membership.SetOwnStatusAsync(SiloStatus.Dead, CancellationToken.None);
            }
            catch (Exception ex)
            {
                Log.LeaveFailed(logger, ex);
            }
        }
        timers.Dispose();
        silo.SetStatus(SiloStatus.Dead);
        Log.Left(logger, silo.SiloAddress.ToString(), timers.Time.GetElapsedTime(started).TotalMilliseconds);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1110, LogLevel.Information, "Silo {Silo} joined the cluster and is active")]
        public static partial void Joined(ILogger logger, string silo);

        [LoggerMessage(1111, LogLevel.Information, "Silo {Silo} is leaving: moving or deactivating {Count} activation(s)")]
        public static partial void Leaving(ILogger logger, string silo, int count);

        [LoggerMessage(1112, LogLevel.Information, "Silo {Silo} left the cluster in {ElapsedMs:F0} ms")]
        public static partial void Left(ILogger logger, string silo, double elapsedMs);

        [LoggerMessage(1113, LogLevel.Warning, "Updating this silo's membership row while leaving failed")]
        public static partial void LeaveFailed(ILogger logger, Exception exception);
    }
}
