using Game.Runtime.Catalog;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Game.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Networking;

/// <summary>Adds cross-process grain calls and streams to a silo or a client (gateway).</summary>
internal static class NetworkingServiceCollectionExtensions
{
    /// <summary>
    /// Replaces the single-process routing with the cluster's: <see cref="IMessageRouter"/> becomes the
    /// <see cref="RemoteMessageRouter"/>, every <see cref="IStreamProvider"/> registered so far is wrapped in a
    /// <see cref="ClusterStreamProvider"/> of the same name, and <see cref="ISiloProber"/> pings over the
    /// <see cref="SiloConnectionPool"/>. In a silo it also adds the <see cref="SiloListener"/> (options section
    /// <c>Silo</c>, <see cref="SiloListenerOptions"/>) and wraps the registered <see cref="IGrainDirectory"/> to track
    /// this silo's activations. Connection limits: section <c>Runtime:Networking</c> (<see cref="ClusterNetworkingOptions"/>).
    /// </summary>
    /// <remarks>
    /// Call it after the stream providers and (in a silo) the grain directory are registered — after <c>AddSilo</c>;
    /// the host refuses to start otherwise. The caller registers <see cref="IClusterMembershipView"/>,
    /// <see cref="Placement.IPlacementDirector"/> and <see cref="IGrainDirectory"/>; a client also needs the grain
    /// factory (<see cref="GrainTypeManager"/> with the grain classes, <see cref="GrainFactory"/>) and
    /// <see cref="SiloMessagingOptions"/> (bound here from <c>Runtime:Messaging</c> in a client). A silo's address must
    /// use the listener's port: the registered <c>LocalSilo</c> is wrapped so that it gets
    /// <see cref="SiloListener.AdvertisedHost"/> and <see cref="SiloListener.Port"/> when it is created (the listener binds
    /// in its constructor), before the catalog copies the address.
    /// </remarks>
    /// <param name="services">The host's services.</param>
    /// <param name="isSilo">True in a silo (accepts connections, hosts grains); false in a client.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="InvalidOperationException">Called twice, or in a silo before a grain directory is registered.</exception>
    internal static IServiceCollection AddClusterNetworking(this IServiceCollection services, bool isSilo)
    {
        if (services.Any(d => d.ServiceType == typeof(NetworkingMarker)))
            throw new InvalidOperationException("Cluster networking is already added to these services.");
        services.AddSingleton<NetworkingMarker>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ClusterNetworkingOptions>().BindConfiguration(ClusterNetworkingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterNetworkingOptions>, NetworkingOptionsValidator>();
        if (!isSilo) services.AddOptions<SiloMessagingOptions>().BindConfiguration(SiloMessagingOptions.Section);

        services.AddSingleton(sp => new GrainLocationCache(sp.GetRequiredService<IOptions<ClusterNetworkingOptions>>().Value.LocationCacheCapacity));
        services.AddSingleton(sp => new NetworkIdentity(isSilo ? sp.GetRequiredService<ILocalSiloDetails>() : null));
        services.AddSingleton<RemoteStreamSubscribers>();
        services.AddSingleton<SiloConnectionPool>();
        services.AddSingleton<ClusterStreams>();
        services.AddSingleton<FrameDispatcher>();
        services.Replace(ServiceDescriptor.Singleton<ISiloProber, SiloProber>());
        services.Replace(ServiceDescriptor.Singleton<IMessageRouter>(sp => new RemoteMessageRouter(
            sp.GetRequiredService<GrainLocationCache>(), sp.GetRequiredService<SiloConnectionPool>(), sp.GetRequiredService<IGrainDirectory>(),
            sp.GetRequiredService<IClusterMembershipView>(), sp, sp.GetRequiredService<NetworkIdentity>(),
            isSilo ? sp.GetRequiredService<Catalog.Catalog>() : null, isSilo ? sp.GetRequiredService<LocalActivationTable>() : null,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SiloMessagingOptions>>(),
            sp.GetRequiredService<ILogger<RemoteMessageRouter>>())));
        WrapStreamProviders(services);

        if (isSilo)
        {
            services.AddOptions<SiloListenerOptions>().BindConfiguration(SiloListenerOptions.Section).ValidateOnStart();
            services.AddSingleton<IValidateOptions<SiloListenerOptions>, NetworkingOptionsValidator>();
            services.AddSingleton<SiloListener>();
            services.AddSingleton<GrainMethodLookup>();
            services.AddSingleton<LocalActivationTable>();
            WrapDirectory(services);
            SetEndpointAtCreation(services);
        }

        services.AddHostedService(sp => new ClusterNetworkingService(sp, isSilo));
        return services;
    }

    private static void WrapStreamProviders(IServiceCollection services)
    {
        var providers = services.Where(d => d.ServiceType == typeof(IStreamProvider) && !d.IsKeyedService).ToList();
        foreach (var descriptor in providers)
        {
            var index = services.IndexOf(descriptor);
            services[index] = ServiceDescriptor.Singleton<IStreamProvider>(sp =>
                new ClusterStreamProvider((IStreamProvider)Create(sp, descriptor), sp.GetRequiredService<ClusterStreams>()));
        }
    }

    private static void WrapDirectory(IServiceCollection services)
    {
        var registered = services.Where(d => d.ServiceType == typeof(IGrainDirectory) && !d.IsKeyedService).ToList();
        if (registered.Count == 0)
            throw new InvalidOperationException("No IGrainDirectory is registered: add cluster networking after AddSilo and the clustering provider.");
        var effective = registered[^1];
        foreach (var descriptor in registered) services.Remove(descriptor);
        services.AddSingleton<IGrainDirectory>(sp => new TrackingGrainDirectory((IGrainDirectory)Create(sp, effective),
            sp.GetRequiredService<LocalActivationTable>(), sp.GetRequiredService<GrainLocationCache>(), sp.GetRequiredService<ILocalSiloDetails>()));
    }

    /// <summary>
    /// The silo's address carries the listener's endpoint from the moment <see cref="LocalSilo"/> exists: services that
    /// copy the address when they are built (the catalog, whose activations register it in the directory) see the real port.
    /// </summary>
    private static void SetEndpointAtCreation(IServiceCollection services)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(LocalSilo) && !d.IsKeyedService);
        if (registered is null) return; // not a runtime silo host: its ILocalSiloDetails is the caller's
        services.Remove(registered);
        services.AddSingleton(sp =>
        {
            var silo = (LocalSilo)Create(sp, registered);
            var listener = sp.GetRequiredService<SiloListener>();
            silo.SetEndpoint(listener.AdvertisedHost, listener.Port);
            return silo;
        });
    }

    private static object Create(IServiceProvider sp, ServiceDescriptor descriptor)
        => descriptor.ImplementationInstance
           ?? descriptor.ImplementationFactory?.Invoke(sp)
           ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);

    private sealed class NetworkingMarker;
}
