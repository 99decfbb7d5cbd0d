using Game.Gateway.Cluster;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Gateway.Tests.Fakes;

/// <summary>The real gateway on a real Kestrel port, over a <see cref="FakeCluster"/> instead of a silo.</summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeGateway(WebApplication app, FakeCluster cluster)
    {
        _app = app;
        Cluster = cluster;
        Address = new Uri(app.Urls.First());
    }

    public FakeCluster Cluster { get; }
    public Uri Address { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<FakeGateway> StartAsync(Action<WebApplicationBuilder>? configure = null)
    {
        var cluster = new FakeCluster();
        var app = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], builder =>
        {
            builder.Services.AddSingleton<IGrainFactory>(cluster);
            builder.Services.AddSingleton<IClusterHealth>(cluster);
            builder.Services.AddSingleton<IRoomEventSource>(cluster.Streams);
            configure?.Invoke(builder);
        }, hostSilo: false);
        await app.StartAsync();
        return new FakeGateway(app, cluster);
    }

    public Task<TestClient> ConnectAsync(string label = "client") => TestClient.ConnectAsync(Address, label);

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
