using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Game.LoadTest.Tests;

/// <summary>
/// A stand-in for a cluster gateway's <c>GET /cluster</c> on a free local port: three silos (the third without
/// <c>cpuPercent</c>, as an older server would answer), the first silo's CPU alternating 30 / 50 per request.
/// </summary>
internal sealed class FakeClusterServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakeClusterServer(WebApplication app) => _app = app;

    /// <summary>The fake's <c>/cluster</c> URL.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<FakeClusterServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeClusterServer(app);
        app.MapGet("/cluster", () =>
        {
            var n = Interlocked.Increment(ref server._requests);
            return Results.Text(Answer(n), "application/json");
        });
        await app.StartAsync();
        server.Url = new Uri(new Uri(app.Urls.Single()), "/cluster");
        return server;
    }

    /// <summary>The answer to request <paramref name="n"/> (from 1).</summary>
    public static string Answer(int n) => JsonSerializer.Serialize(new
    {
        version = 7,
        silos = new object[]
        {
            new { address = "127.0.0.1:11111@1", name = "silo-a", status = "active", started = "2026-01-01T00:00:00Z", heartbeat = "2026-01-01T00:00:01Z",
                  rooms = 2, players = 8, activations = 11, tickP99Ms = 4.5, tickLateP99Ms = n % 2 == 1 ? 9.5 : 2.0, cpuPercent = n % 2 == 1 ? 30.0 : 50.0 },
            new { address = "127.0.0.1:11112@2", name = "silo-b", status = "active", started = "2026-01-01T00:00:00Z", heartbeat = "2026-01-01T00:00:01Z",
                  rooms = 1, players = 4, activations = 6, tickP99Ms = 3.25, cpuPercent = 12.5 },
            new { address = "127.0.0.1:11113@3", name = "silo-c", status = "joining", started = "2026-01-01T00:00:00Z", heartbeat = "2026-01-01T00:00:01Z",
                  rooms = 0, players = 0, activations = 0, tickP99Ms = 0.0 },
        },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
