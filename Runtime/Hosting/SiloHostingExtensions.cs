using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    public static IServiceCollection AddSilo(this IServiceCollection services, IConfiguration configuration, Action<ISiloBuilder>? configure = null)
        => throw new NotImplementedException();

    /// <summary>Registers every grain class (non-abstract subclass of <see cref="Grain"/>) in <paramref name="assembly"/>. Stands for Orleans's application parts.</summary>
    public static ISiloBuilder AddApplicationPart(this ISiloBuilder builder, Assembly assembly) => throw new NotImplementedException();

    /// <summary>Adds an in-memory stream provider named <paramref name="name"/>. Stands for Orleans's <c>AddMemoryStreams</c>.</summary>
    public static ISiloBuilder AddMemoryStreams(this ISiloBuilder builder, string name) => throw new NotImplementedException();

    /// <summary>Single-process membership: this silo is the whole cluster. Stands for Orleans's <c>UseLocalhostClustering</c>.</summary>
    public static ISiloBuilder UseLocalhostClustering(this ISiloBuilder builder) => throw new NotImplementedException();
}
