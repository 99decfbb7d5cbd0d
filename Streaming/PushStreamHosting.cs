using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Streams;

namespace Game.Streaming;

/// <summary>Adds push stream providers (<see cref="PushStreamProvider"/>) to silos and cluster clients.</summary>
public static class PushStreamHosting
{
    /// <summary>
    /// Adds the push stream provider <paramref name="name"/> to a silo. The silo also needs grain storage named
    /// <see cref="PushStreamDefaults.Storage"/> for the rendezvous grains.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="name">The provider name.</param>
    /// <param name="configuration">Section <see cref="PushStreamOptions.Section"/> (optional).</param>
    /// <returns>The same builder.</returns>
    public static ISiloBuilder AddPushStreams(this ISiloBuilder silo, string name, IConfiguration? configuration = null)
    {
        AddPushStreams(silo.Services, name, configuration);
        return silo;
    }

    /// <summary>Adds the push stream provider <paramref name="name"/> to a cluster client (it can publish and subscribe).</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="name">The provider name.</param>
    /// <param name="configuration">Section <see cref="PushStreamOptions.Section"/> (optional).</param>
    /// <returns>The same builder.</returns>
    public static IClientBuilder AddPushStreams(this IClientBuilder client, string name, IConfiguration? configuration = null)
    {
        AddPushStreams(client.Services, name, configuration);
        return client;
    }

    private static void AddPushStreams(IServiceCollection services, string name, IConfiguration? configuration)
    {
        var options = services.AddOptions<PushStreamOptions>();
        if (configuration is not null) options.Bind(configuration.GetSection(PushStreamOptions.Section));
        services.AddKeyedSingleton<IStreamProvider>(name, (sp, _) => new PushStreamProvider(
            name,
            sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<IOptions<PushStreamOptions>>(),
            sp.GetRequiredService<PushStreamClock>().Time,
            sp.GetRequiredService<ILogger<PushStreamProvider>>()));
        services.TryAddSingleton(new PushStreamClock(TimeProvider.System));
    }
}

/// <summary>The clock of push stream leases and renewals (the system clock; tests put a fake one in its place).</summary>
/// <param name="Time">The clock.</param>
public sealed record PushStreamClock(TimeProvider Time);
