using System.Reflection;
using Game.Runtime.Catalog;
using Game.Runtime.Membership;
using Game.Runtime.Placement;
using Game.Runtime.Streams;
using Game.Runtime.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Hosting;

/// <summary>
/// Configures a client of the cluster: a process that calls grains and subscribes to streams but hosts none (a
/// gateway in cluster mode). Stands for Orleans's <c>IClientBuilder</c>.
/// </summary>
public interface IClientBuilder
{
    /// <summary>The host's service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration.</summary>
    IConfiguration Configuration { get; }
}

/// <summary>
/// Cluster mode for silos and clients: membership from the shared table, placement, and the network transport
/// between processes. The table, directory and storage come from a clustering provider
/// (e.g. <c>UsePostgresClustering</c>). Stands for Orleans's clustering configuration and <c>UseOrleansClient</c>.
/// </summary>
public static class ClusterHostingExtensions
{
    /// <summary>Makes this silo a member of a cluster: it listens for cluster traffic, joins the membership table, heartbeats, and takes part in placement.</summary>
    /// <remarks>Needs an <see cref="IMembershipTable"/>, a shared <see cref="Directory.IGrainDirectory"/> and an <see cref="Storage.IGrainStorage"/> from a clustering provider.</remarks>
    public static ISiloBuilder UseCluster(this ISiloBuilder builder)
    {
        var services = builder.Services;
        AddMembership(services);
        // Replace the single-process lifecycle with the cluster one (join before taking calls; leave gracefully).
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && services[i].ImplementationType == typeof(SiloLifecycleService)) services.RemoveAt(i);
        }
        services.AddHostedService<ClusterSiloLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<MembershipService>());
        Networking.NetworkingServiceCollectionExtensions.AddClusterNetworking(services, isSilo: true);
        return builder;
    }

    /// <summary>Hosts a cluster client in this process (no grains): grain references and stream subscriptions reach the cluster's silos.</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Adds the grain interfaces' assemblies and stream providers, and the clustering provider.</param>
    public static IHostApplicationBuilder UseClusterClient(this IHostApplicationBuilder builder, Action<IClientBuilder> configure)
    {
        var services = builder.Services;
        SiloHostingExtensions.AddCallerServices(services);
        AddMembership(services);
        services.AddSingleton<ClusterClientStatus>();
        services.TryAddSingleton<ISiloStatusOracle>(sp => sp.GetRequiredService<ClusterClientStatus>());
        services.AddHostedService<ClusterClientLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<MembershipService>());
        configure(new ClientBuilder(services, builder.Configuration));
        Networking.NetworkingServiceCollectionExtensions.AddClusterNetworking(services, isSilo: false);
        return builder;
    }

    /// <summary>Registers the grain classes and interfaces of <paramref name="assembly"/> (a client needs the interfaces' grain types).</summary>
    public static IClientBuilder AddApplicationPart(this IClientBuilder builder, Assembly assembly)
    {
        SiloHostingExtensions.AddGrainAssembly(builder.Services, assembly);
        return builder;
    }

    /// <summary>Adds a stream provider named <paramref name="name"/> whose items come from the silos.</summary>
    public static IClientBuilder AddMemoryStreams(this IClientBuilder builder, string name)
    {
        SiloHostingExtensions.AddMemoryStreamProvider(builder.Services, name);
        return builder;
    }

    private static void AddMembership(IServiceCollection services)
    {
        services.AddOptions<MembershipOptions>().BindConfiguration(MembershipOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MembershipOptions>, MembershipOptionsValidator>();
        services.TryAddSingleton<MembershipService>();
        services.TryAddSingleton<IClusterMembershipView>(sp => sp.GetRequiredService<MembershipService>());
        services.TryAddSingleton<IPlacementDirector, LeastLoadedPlacement>();
    }

    private sealed class ClientBuilder(IServiceCollection services, IConfiguration configuration) : IClientBuilder
    {
        public IServiceCollection Services => services;

        public IConfiguration Configuration => configuration;
    }
}

/// <summary>A client's readiness: Active while the cluster has at least one active silo.</summary>
internal sealed class ClusterClientStatus(IClusterMembershipView membership) : ISiloStatusOracle
{
    public SiloAddress SiloAddress { get; } = new("client", 0, 0);

    public SiloStatus CurrentStatus => membership.ActiveSilos.Count > 0 ? SiloStatus.Active : SiloStatus.Joining;
}

/// <summary>Reads the membership table before the client serves anything.</summary>
internal sealed class ClusterClientLifecycle(MembershipService membership) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => membership.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
