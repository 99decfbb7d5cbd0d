using Microsoft.AspNetCore.Builder;

namespace Game.Gateway.Tests;

/// <summary>
/// The whole app as shipped — <see cref="GatewayApp.Build(string[], Action{WebApplicationBuilder}?)"/> with its co-hosted
/// silo and real grains — on a free Kestrel port, shared by the end-to-end tests (each test uses its own rooms).
/// </summary>
public sealed class RealGateway : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    /// <summary>The running app's services.</summary>
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _app = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
        Address = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal Task<TestClient> ConnectAsync(string label) => TestClient.ConnectAsync(Address, label);

    /// <summary>A room id no other test uses.</summary>
    public static string NewRoom(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(32, prefix.Length + 9)];
}

[CollectionDefinition(Name)]
public sealed class RealGatewayCollection : ICollectionFixture<RealGateway>
{
    public const string Name = "real gateway";
}
