using System.Reflection;
using Game.Runtime.Catalog;
using Game.Runtime.Directory;
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
/// Adds a silo to a host. Stands for Orleans's <c>UseOrleans</c> / <c>AddOrleans</c> and the
/// <c>ISiloBuilder</c> extension methods.
/// </summary>
public static class SiloHostingExtensions
{
    /// <summary>Hosts a silo in this process: grain activations, timers, streams and the idle collector.</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Adds grain classes, stream providers and clustering.</param>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder UseSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        builder.Services.AddSilo(builder.Configuration, configure);
        return builder;
    }

    /// <summary>Adds the silo's services to <paramref name="services"/>; see <see cref="UseSilo"/>.</summary>
    /// <exception cref="InvalidOperationException">A silo was already added to these services.</exception>
    public static IServiceCollection AddSilo(this IServiceCollection services, IConfiguration configuration, Action<ISiloBuilder>? configure = null)
    {
        if (services.Any(d => d.ServiceType == typeof(SiloMarker)))
            throw new InvalidOperationException("A silo is already added to this host.");
        services.AddSingleton<SiloMarker>();

        AddCallerServices(services);
        services.AddOptions<GrainCollectionOptions>().BindConfiguration(GrainCollectionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GrainCollectionOptions>, RuntimeOptionsValidator>();

        services.AddSingleton<LocalSilo>();
        services.TryAddSingleton<ILocalSiloDetails>(sp => sp.GetRequiredService<LocalSilo>());
        services.TryAddSingleton<ISiloStatusOracle>(sp => sp.GetRequiredService<LocalSilo>());
        services.AddSingleton<TimerScheduler>();
        services.AddSingleton<Catalog.Catalog>();
        services.TryAddSingleton<IMessageRouter, LocalMessageRouter>();
        services.AddSingleton<ActivationCollector>();
        services.AddHostedService<SiloLifecycleService>();
        services.AddHostedService(sp => sp.GetRequiredService<ActivationCollector>());

        configure?.Invoke(new SiloBuilder(services, configuration));

        // Defaults for what clustering did not set.
        services.TryAddSingleton<IGrainDirectory, InMemoryGrainDirectory>();
        services.TryAddSingleton<Storage.IGrainStorage, Storage.InMemoryGrainStorage>();
        return services;
    }

    /// <summary>Registers every grain class (non-abstract subclass of <see cref="Grain"/>) in <paramref name="assembly"/>. Stands for Orleans's application parts.</summary>
    public static ISiloBuilder AddApplicationPart(this ISiloBuilder builder, Assembly assembly)
    {
        AddGrainAssembly(builder.Services, assembly);
        return builder;
    }

    /// <summary>Adds an in-memory stream provider named <paramref name="name"/>. Stands for Orleans's <c>AddMemoryStreams</c>.</summary>
    /// <remarks>Delivery follows <see cref="StreamDeliveryOptions"/> (section <c>Runtime:Streams</c>).</remarks>
    public static ISiloBuilder AddMemoryStreams(this ISiloBuilder builder, string name)
    {
        AddMemoryStreamProvider(builder.Services, name);
        return builder;
    }

    /// <summary>What every process that calls grains needs, silo or client: clock, messaging and stream options, grain types, the grain factory.</summary>
    internal static void AddCallerServices(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SiloMessagingOptions>().BindConfiguration(SiloMessagingOptions.Section).ValidateOnStart();
        services.AddOptions<StreamDeliveryOptions>().BindConfiguration(StreamDeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloMessagingOptions>, RuntimeOptionsValidator>();
        services.AddSingleton<IValidateOptions<StreamDeliveryOptions>, RuntimeOptionsValidator>();
        services.TryAddSingleton<GrainTypeManager>();
        services.AddSingleton<GrainFactory>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainFactory>());
        services.TryAddSingleton<IClusterClient>(sp => sp.GetRequiredService<GrainFactory>());
    }

    /// <summary>Registers the grain classes and interfaces of <paramref name="assembly"/>.</summary>
    internal static void AddGrainAssembly(IServiceCollection services, Assembly assembly) => services.AddSingleton(new GrainAssemblyPart(assembly));

    /// <summary>Adds an in-memory stream provider named <paramref name="name"/> (cluster networking later wraps it to cross processes).</summary>
    internal static void AddMemoryStreamProvider(IServiceCollection services, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        services.AddSingleton<IStreamProvider>(sp => new MemoryStreamProvider(name,
            sp.GetRequiredService<IOptions<StreamDeliveryOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
    }

    /// <summary>Single-process membership: this silo is the whole cluster and the directory is in memory. Stands for Orleans's <c>UseLocalhostClustering</c>.</summary>
    public static ISiloBuilder UseLocalhostClustering(this ISiloBuilder builder)
    {
        builder.Services.TryAddSingleton<IGrainDirectory, InMemoryGrainDirectory>();
        return builder;
    }

    private sealed class SiloMarker;

    private sealed class SiloBuilder(IServiceCollection services, IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services => services;

        public IConfiguration Configuration => configuration;
    }
}
