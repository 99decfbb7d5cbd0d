using Game.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Game.Grains.Tests;

/// <summary>A silo as the single-process default starts it (<see cref="GameSiloHostingExtensions.AddGameSilo"/>, no PostgreSQL), for tests.</summary>
internal static class SingleProcessSilo
{
    /// <summary>
    /// A started silo with <paramref name="settings"/> over its configuration, whose grains read <paramref name="clock"/>
    /// (the system clock when null). The caller stops and disposes it.
    /// </summary>
    public static async Task<IHost> StartAsync(Dictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.Services.AddLogging();
        builder.AddGameSilo();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
