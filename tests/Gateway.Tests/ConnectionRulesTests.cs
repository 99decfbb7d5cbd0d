using System.Net;
using System.Net.WebSockets;
using Game.Gateway.Tests.Fakes;
using Game.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Gateway.Tests;

/// <summary>
/// Connection rules of shared protocol.md v1.1 ("Connections and operators") and the gateway's own caps: the hello
/// deadline, connection caps (429), the origin allowlist (403), and the per-connection wrong-password limit.
/// </summary>
public sealed class ConnectionRulesTests
{
    private static Task<FakeGateway> StartAsync(Dictionary<string, string?> settings, TimeProvider? clock = null)
        => FakeGateway.StartAsync(b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            if (clock is not null) b.Services.AddSingleton(clock);
        });

    /// <summary>Opens a raw WebSocket to <c>/ws</c>; returns the socket, or the HTTP status that refused it.</summary>
    private static async Task<(ClientWebSocket? Socket, HttpStatusCode Status)> UpgradeAsync(Uri server, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        var ws = new UriBuilder(server) { Scheme = "ws", Path = "/ws" }.Uri;
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        try
        {
            await socket.ConnectAsync(ws, cts.Token);
            return (socket, socket.HttpStatusCode);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }
    }

    [Fact]
    public async Task A_connection_without_hello_is_closed_with_1008_after_the_hello_timeout()
    {
        await using var gateway = await StartAsync(new() { ["Gateway:HelloTimeout"] = "00:00:01" });
        await using var silent = await gateway.ConnectAsync("silent");
        await using var timeOnly = await gateway.ConnectAsync("time only");
        await timeOnly.SendAsync(new { type = "time", t = 1 }); // time is served before hello but does not stop the clock
        await timeOnly.WaitForTypeAsync("time");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await silent.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await timeOnly.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_connection_that_says_hello_in_time_stays_open()
    {
        // 3 s to say hello (a busy test machine once took over 1 s to answer the first one), then past the deadline.
        await using var gateway = await StartAsync(new() { ["Gateway:HelloTimeout"] = "00:00:03" });
        await using var c = await gateway.ConnectAsync();
        await c.HelloAsync("Ada");
        await Task.Delay(TimeSpan.FromSeconds(4));
        await c.SendAsync(new { type = "time", t = 1 });
        await c.WaitForTypeAsync("time");
        Assert.Equal(WebSocketState.Open, c.State);
    }

    [Fact]
    public void Hello_timeout_defaults_to_10_seconds_and_is_validated()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), new GatewayOptions().HelloTimeout);
        var validator = new GatewayOptionsValidator();
        Assert.True(validator.Validate(null, new GatewayOptions { HelloTimeout = TimeSpan.Zero }).Failed);
        Assert.True(validator.Validate(null, new GatewayOptions { HelloTimeout = TimeSpan.FromHours(1) }).Failed);
        Assert.True(validator.Validate(null, new GatewayOptions { MaxConnectionsPerIp = 0 }).Failed);
        Assert.True(validator.Validate(null, new GatewayOptions { MaxUngreetedConnections = 0 }).Failed);
        Assert.True(validator.Validate(null, new GatewayOptions { AllowedOrigins = ["https://ok.example/path"] }).Failed);
        Assert.True(validator.Validate(null, new GatewayOptions { AllowedOrigins = ["*"] }).Failed);
        Assert.True(validator.Validate(null, new GatewayOptions { AllowedOrigins = ["https://ok.example", "http://localhost:8080/"] }).Succeeded);
        Assert.Equal(64, new GatewayOptions().MaxConnectionsPerIp);
        Assert.Equal(1_000, new GatewayOptions().MaxUngreetedConnections);
    }

    [Fact]
    public async Task Upgrades_over_the_per_address_cap_get_429_and_a_closed_one_frees_its_place()
    {
        await using var gateway = await StartAsync(new() { ["Gateway:MaxConnectionsPerIp"] = "2" });
        await using var a = await gateway.ConnectAsync("a");
        await using var b = await gateway.ConnectAsync("b");
        await a.HelloAsync("A");
        var (refused, status) = await UpgradeAsync(gateway.Address);
        Assert.Null(refused);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);

        await b.DisposeAsync();
        var admission = gateway.Services.GetRequiredService<Connections.ConnectionAdmission>();
        await Eventually.Until(() => admission.OpenFrom(IPAddress.Loopback) < 2, TestClient.DefaultTimeout, "b's place being freed");
        var (socket, ok) = await UpgradeAsync(gateway.Address);
        Assert.NotNull(socket);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, ok);
        socket!.Dispose();
    }

    [Fact]
    public async Task Upgrades_over_the_ungreeted_cap_get_429_until_one_says_hello()
    {
        await using var gateway = await StartAsync(new() { ["Gateway:MaxUngreetedConnections"] = "2" });
        await using var a = await gateway.ConnectAsync("a");
        await using var b = await gateway.ConnectAsync("b");
        var (_, status) = await UpgradeAsync(gateway.Address);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);

        await a.HelloAsync("A"); // welcomed: no longer counts as ungreeted
        await using var c = await gateway.ConnectAsync("c");
        await c.HelloAsync("C");
        var admission = gateway.Services.GetRequiredService<Connections.ConnectionAdmission>();
        Assert.Equal(1, admission.Ungreeted);
    }

    [Fact]
    public async Task Browser_upgrades_need_the_gateways_own_origin_or_an_allowed_one()
    {
        await using var gateway = await StartAsync(new() { ["Gateway:AllowedOrigins:0"] = "https://game.example.com" });
        var own = $"http://127.0.0.1:{gateway.Address.Port}";

        foreach (var origin in new string?[] { null, own, $"http://127.0.0.1:{gateway.Address.Port}/", "https://game.example.com", "https://GAME.example.com:443" })
        {
            var (socket, status) = await UpgradeAsync(gateway.Address, origin);
            Assert.True(socket is not null, $"origin {origin ?? "(none)"} was refused with {status}");
            socket!.Dispose();
        }
        foreach (var origin in new[] { "http://evil.example", $"http://127.0.0.1:{gateway.Address.Port + 1}", $"https://127.0.0.1:{gateway.Address.Port}", "http://game.example.com", "null", "file://" })
        {
            var (socket, status) = await UpgradeAsync(gateway.Address, origin);
            Assert.Null(socket);
            Assert.Equal(HttpStatusCode.Forbidden, status);
        }
    }

    [Fact]
    public async Task Five_wrong_passwords_per_connection_then_rate_limited_even_for_the_right_one_until_a_minute_passed()
    {
        var clock = new ManualTimeProvider();
        await using var gateway = await StartAsync([], clock);
        await using var host = await gateway.ConnectAsync("host");
        await host.HelloAsync("Host");
        await host.JoinAsync("locked", password: "pw");
        await using var guesser = await gateway.ConnectAsync("guesser");
        await guesser.HelloAsync("Guess");

        for (var i = 0; i < 5; i++)
        {
            await guesser.SendAsync(new { type = "join", room = "locked", password = $"guess{i}" });
            await guesser.ExpectErrorAsync("wrong_password");
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        await guesser.SendAsync(new { type = "join", room = "locked", password = "pw" });
        await guesser.ExpectErrorAsync("rate_limited");
        await guesser.SendAsync(new { type = "join", room = "locked" }); // no password: no guess, not limited
        await guesser.ExpectErrorAsync("wrong_password");

        clock.Advance(TimeSpan.FromSeconds(54)); // the first wrong one is 59 s old
        await guesser.SendAsync(new { type = "join", room = "locked", password = "pw" });
        await guesser.ExpectErrorAsync("rate_limited");
        clock.Advance(TimeSpan.FromSeconds(1)); // a minute old
        await guesser.JoinAsync("locked", password: "pw");

        await using var other = await gateway.ConnectAsync("other"); // the limit is per connection
        await other.HelloAsync("Other");
        await other.JoinAsync("locked", password: "pw");
    }
}
