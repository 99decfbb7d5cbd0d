using Game.Runtime.Catalog;
using Game.Runtime.Directory;
using Game.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Game.Runtime.Networking;

/// <summary>
/// Runs the cluster networking with the host: before any hosted service starts, checks the wiring and (in a silo)
/// starts accepting connections; after every hosted service has stopped (the silo's activations are deactivated, so
/// their last calls and stream items went out), closes the listener and the outbound connections.
/// </summary>
internal sealed class ClusterNetworkingService(IServiceProvider services, bool isSilo) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IMessageRouter>() is not RemoteMessageRouter)
            throw new InvalidOperationException("Cluster networking is added but IMessageRouter is not the RemoteMessageRouter.");
        var unwrapped = services.GetServices<IStreamProvider>().Where(p => p is not ClusterStreamProvider).Select(p => p.Name).ToList();
        if (unwrapped.Count > 0)
            throw new InvalidOperationException($"Stream provider(s) {string.Join(", ", unwrapped)} were added after AddClusterNetworking; their streams would not cross processes. Add stream providers first.");
        _ = services.GetRequiredService<ClusterStreams>();
        if (!isSilo) return;
        if (services.GetRequiredService<IGrainDirectory>() is not TrackingGrainDirectory)
            throw new InvalidOperationException("The grain directory was registered after AddClusterNetworking; register it first.");
        await services.GetRequiredService<SiloListener>().StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (isSilo) await services.GetRequiredService<SiloListener>().StopAsync().ConfigureAwait(false);
        await services.GetRequiredService<SiloConnectionPool>().DisposeAsync().ConfigureAwait(false);
    }
}
