using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Game.Gateway.Tests;

/// <summary>
/// Protocol v1.1 messaging scopes end to end (shared protocol.md v1.1): whispers to one player wherever it is, operator
/// announcements to everyone, and the live lobby. The shipped app with an operator token configured.
/// </summary>
public sealed class MessagingScopesEndToEndTests : IAsyncLifetime
{
    private const string Token = "test-operator-token";
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _app = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", $"--Admin:Token={Token}"]);
        await _app.StartAsync();
        _address = new Uri(_app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string? TypeOf(JsonElement m) => TestClient.TypeOf(m);

    private async Task<TestClient> WelcomedAsync(string name)
    {
        var client = await TestClient.ConnectAsync(_address, name);
        await client.HelloAsync(name);
        return client;
    }

    [Fact]
    public async Task A_whisper_reaches_one_player_in_no_room_and_comes_back_to_the_sender()
    {
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        await using var c = await WelcomedAsync("Cy");
        await a.JoinAsync(RealGateway.NewRoom("whisper"));

        await a.SendAsync(new { type = "chat", text = "psst", to = b.Id });
        var got = await b.WaitForAsync(m => TypeOf(m) == "chat", "the whisper");
        Assert.Equal(a.Id, got.GetProperty("from").GetString());
        Assert.Equal(b.Id, got.GetProperty("to").GetString());
        Assert.Equal("psst", got.GetProperty("text").GetString());
        var echo = await a.WaitForAsync(m => TypeOf(m) == "chat", "the whisper echoed to its sender");
        Assert.Equal(b.Id, echo.GetProperty("to").GetString());

        await a.SendAsync(new { type = "chat", text = "hello?", to = "nobody1" });
        await a.ExpectErrorAsync("unknown_player");
        // No one else got it: Cy's next message after a round trip is not a chat.
        await c.SendAsync(new { type = "time", t = 1 });
        Assert.Equal("time", TypeOf(await c.WaitForAsync(m => TypeOf(m) is "time" or "chat", "time (and no chat before it)")));
    }

    [Fact]
    public async Task An_announcement_needs_the_token_and_reaches_every_connected_player()
    {
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        await b.JoinAsync(RealGateway.NewRoom("announce"));
        using var http = new HttpClient { BaseAddress = _address };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/admin/announce", new { text = "hi" })).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/admin/announce", new { text = "hi" })).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/admin/announce", new { text = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/admin/announce", new { text = "Server restarts at noon" })).StatusCode);

        foreach (var c in new[] { a, b })
        {
            var m = await c.WaitForAsync(x => TypeOf(x) == "announcement", "the announcement");
            Assert.Equal("Server restarts at noon", m.GetProperty("text").GetString());
            Assert.True(m.GetProperty("time").GetInt64() > 0);
        }
    }

    [Fact]
    public async Task A_watcher_of_the_lobby_sees_rooms_appear_in_natural_order_until_it_joins()
    {
        await using var watcher = await WelcomedAsync("Wat");
        await watcher.SendAsync(new { type = "rooms", watch = true });
        await watcher.WaitForTypeAsync("rooms");

        var prefix = $"lob{Guid.NewGuid():N}"[..10];
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        await a.JoinAsync(prefix + "-r10");
        await b.JoinAsync(prefix + "-r2");
        var list = await watcher.WaitForAsync(m => TypeOf(m) == "rooms"
            && m.GetProperty("rooms").EnumerateArray().Count(r => r.GetProperty("id").GetString()!.StartsWith(prefix)) == 2,
            "a pushed room list with both new rooms");
        var ids = list.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Where(id => id.StartsWith(prefix)).ToArray();
        Assert.Equal([prefix + "-r2", prefix + "-r10"], ids);
    }
}
