using System.Text.Json;
using Game.Gateway;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Game.Browser.Tests;

/// <summary>
/// The real browser client (web/) in a real Chromium against an in-process gateway: a player who holds a movement
/// key moves on the server, as seen by a second player.
/// </summary>
public sealed class BrowserGameTests(ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Holding_a_movement_key_in_the_browser_moves_the_player_on_the_server()
    {
        Assert.True(File.Exists(ChromiumPath),
            $"Chromium is not installed at {ChromiumPath}: run scripts/install-test-deps.sh first (it installs Debian's chromium, "
            + "apt-get install -y chromium). Do not run 'playwright install' (closed network).");

        await using var app = GatewayApp.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var baseUrl = new Uri(app.Urls.First());
        var wsUri = new UriBuilder(baseUrl) { Scheme = "ws", Path = "/ws" }.Uri;
        output.WriteLine($"gateway at {baseUrl}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);
        page.Console += (_, msg) => output.WriteLine($"browser console [{msg.Type}] {msg.Text}");

        // Name entry → welcome.
        await page.GotoAsync(baseUrl.ToString());
        await page.FillAsync("#name", "Walker");
        await page.ClickAsync("#connect");
        await WaitForPageAsync(page, "() => window.game && window.game.connected", "the page to receive 'welcome' (window.game.connected)");

        // Join-or-create a fresh room → joined, then a first map with our position.
        var room = $"browser-{Guid.NewGuid():N}"[..20];
        await page.FillAsync("#room", room);
        await page.ClickAsync("#join");
        await WaitForPageAsync(page, $"() => window.game.room === '{room}' && window.game.server !== null",
            $"the page to join room '{room}' and receive its first 'map'");
        var playerId = await page.EvaluateAsync<string>("() => window.game.playerId");

        // A second player over a plain WebSocket watches the room from the server's side.
        using var cts = new CancellationTokenSource(Deadline);
        await using var observer = await ObserverClient.ConnectAsync(wsUri, cts.Token);
        await observer.SendAsync(new { type = "hello", name = "observer" }, cts.Token);
        await observer.ReceiveTypeAsync("welcome", cts.Token);
        await observer.SendAsync(new { type = "join", room }, cts.Token);
        var joined = await observer.ReceiveTypeAsync("joined", cts.Token);
        Assert.True(joined.GetProperty("players").TryGetProperty(playerId, out _),
            $"the observer's 'joined' for room '{room}' does not list the browser player {playerId}: {joined}");
        var spawn = await NextPositionAsync(observer, playerId, cts.Token);
        output.WriteLine($"browser player {playerId} spawned at ({spawn.X:F1}, {spawn.Y:F1})");

        // Watch every map while the key is held, so the observer never falls behind.
        var moved = WatchForMoveAsync(observer, playerId, spawn, minDistance: 50, cts.Token);

        // Hold a key toward the far side of the world for about a second (200 units/s → ~200 units).
        var key = spawn.X < 500 ? "d" : "a";
        await page.FocusAsync("#game");
        await page.Keyboard.DownAsync(key);
        await page.WaitForTimeoutAsync(1000);
        await page.Keyboard.UpAsync(key);

        (double X, double Y) final;
        try
        {
            final = await moved;
        }
        catch (OperationCanceledException)
        {
            var state = await page.EvaluateAsync<JsonElement>("() => JSON.parse(JSON.stringify(window.game))");
            Assert.Fail($"within {Deadline.TotalSeconds} s no 'map' showed the browser player {playerId} more than 50 units from its spawn "
                + $"({spawn.X:F1}, {spawn.Y:F1}) after holding '{key}' for 1 s. Browser state: {state}");
            throw;
        }
        output.WriteLine($"server saw the browser player at ({final.X:F1}, {final.Y:F1}) after holding '{key}'");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", $"browser-{DateTime.UtcNow:yyyyMMdd-HHmmss}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        output.WriteLine($"screenshot: {screenshot}");
        Console.WriteLine($"browser test screenshot: {screenshot}");

        Assert.True(Math.Abs(final.X - spawn.X) > 50, $"the browser player moved on the server, but not along x after holding '{key}': spawn {spawn}, now {final}");
        Assert.Empty(pageErrors);

        // Close the clients first so the gateway stops without waiting on open sockets.
        await browser.CloseAsync();
        await observer.DisposeAsync();
        await app.StopAsync();
    }

    /// <summary>The player's position in the next <c>map</c> that lists it.</summary>
    private static async Task<(double X, double Y)> NextPositionAsync(ObserverClient observer, string playerId, CancellationToken ct)
    {
        while (true)
        {
            var map = await observer.ReceiveTypeAsync("map", ct);
            if (map.GetProperty("player").TryGetProperty(playerId, out var p))
            {
                return (p[0].GetDouble(), p[1].GetDouble());
            }
        }
    }

    /// <summary>Completes with the first position farther than <paramref name="minDistance"/> from <paramref name="spawn"/>.</summary>
    private static async Task<(double X, double Y)> WatchForMoveAsync(ObserverClient observer, string playerId, (double X, double Y) spawn,
        double minDistance, CancellationToken ct)
    {
        while (true)
        {
            var pos = await NextPositionAsync(observer, playerId, ct);
            if (Math.Sqrt(Math.Pow(pos.X - spawn.X, 2) + Math.Pow(pos.Y - spawn.Y, 2)) > minDistance)
            {
                return pos;
            }
        }
    }

    private static async Task WaitForPageAsync(IPage page, string condition, string what)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = (float)Deadline.TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>("() => window.game ? JSON.stringify({ state: window.game.state, room: window.game.room, "
                + "playerId: window.game.playerId }) + ' toasts: ' + [...document.querySelectorAll('.toast')].map(t => t.textContent).join(' | ') : 'window.game missing'");
            Assert.Fail($"timed out after {Deadline.TotalSeconds} s waiting for {what}. Page: {state}");
        }
    }
}
