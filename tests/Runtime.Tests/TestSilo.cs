using Game.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Game.Runtime.Tests;

/// <summary>A silo hosting this assembly's test grains, optionally on a manual clock.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _host.Services;

    public static async Task<TestSilo> StartAsync(TimeProvider? time = null, Action<IServiceCollection>? configure = null,
        Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        if (time is not null) builder.Services.AddSingleton(time);
        builder.Services.AddLogging();
        builder.UseSilo(silo => silo.AddApplicationPart(typeof(TestSilo).Assembly).AddMemoryStreams("Default").UseLocalhostClustering());
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
