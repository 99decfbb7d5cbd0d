using System.Diagnostics;
using System.Text.Json;
using Game.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Game.Browser.Tests;

/// <summary>
/// One shipped gateway (web/ served at /) and one headless Chromium for the whole class. Chromium runs with fake
/// camera and microphone so the relay view's getUserMedia answers without a prompt.
/// </summary>
public sealed class ShippedAppFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private WebApplication? _app;
    private IPlaywright? _playwright;

    public Uri BaseUrl { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return; // each test fails with the install hint (a failing fixture would hide it)
        }

        _app = GatewayApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Urls.First());

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        // Close the browser first so the gateway stops without waiting on open sockets.
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// The browser client (web/) in real Chromium pages for the v1.1 room kinds: pong to a point, a shared board with
/// history for a late joiner, a WebRTC data channel set up through relay signalling, and the arena on a phone with the
/// touch stick. Every page goes through the UI (name → kind picker + room name → Join).
/// </summary>
public sealed class RoomKindsBrowserTests(ShippedAppFixture fixture, ITestOutputHelper output) : IClassFixture<ShippedAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<(string Who, string Error)> _pageErrors = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Task InitializeAsync()
    {
        Assert.True(File.Exists(ShippedAppFixture.ChromiumPath),
            $"Chromium is not installed at {ShippedAppFixture.ChromiumPath}: run scripts/install-test-deps.sh first (it installs Debian's chromium, "
            + "apt-get install -y chromium). Do not run 'playwright install' (closed network).");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }
        output.WriteLine($"test took {_clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Two_pages_join_a_pong_room_and_play_until_a_point_is_scored()
    {
        var room = NewRoom("pong");
        var left = await OpenPageAsync("Lefty");
        var right = await OpenPageAsync("Righty");
        await JoinAsync(left, room, "pong");
        await JoinAsync(right, room, "pong");

        foreach (var (page, who) in new[] { (left, "Lefty"), (right, "Righty") })
        {
            await WaitForAsync(page, who, "() => window.game.pong && window.game.pong.state === 'playing'",
                $"{who}'s pong room '{room}' to reach state 'playing' once both players sat down");
        }

        // Park one paddle at the top, so a serve towards it is all but sure to pass it (an idle centred paddle might
        // return a flat serve for a while).
        await left.FocusAsync("#game");
        await left.Keyboard.DownAsync("ArrowUp");
        await left.WaitForTimeoutAsync(900);
        await left.Keyboard.UpAsync("ArrowUp");

        var scored = "() => window.game.pong && Object.values(window.game.pong.scores).some(v => v > 0)";
        await WaitForAsync(left, "Lefty", scored, $"a point in pong room '{room}' (some score > 0 on Lefty's page)", TimeSpan.FromSeconds(20));
        await WaitForAsync(right, "Righty", scored, $"Righty's page to show the point scored in pong room '{room}' (some score > 0)");

        var scores = await right.EvaluateAsync<JsonElement>("() => window.game.pong.scores");
        output.WriteLine($"pong scores after the first point: {scores}");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Two_pages_see_each_others_strokes_on_a_board_and_a_late_joiner_gets_the_history()
    {
        var room = NewRoom("board");
        var ada = await OpenPageAsync("Ada");
        var bob = await OpenPageAsync("Bob");
        await JoinAsync(ada, room, "board");
        await JoinAsync(bob, room, "board");

        await DragOnBoardAsync(ada, (0.2, 0.2), (0.7, 0.3));
        await WaitForAsync(ada, "Ada", "() => window.game.board.sent >= 1 && window.game.board.pending === 0 && window.game.board.queued === 0",
            "Ada's stroke to be sent and echoed by the server (board.sent >= 1, nothing pending or queued)");
        await DragOnBoardAsync(bob, (0.3, 0.8), (0.8, 0.6));
        await WaitForAsync(bob, "Bob", "() => window.game.board.sent >= 1 && window.game.board.pending === 0 && window.game.board.queued === 0",
            "Bob's stroke to be sent and echoed by the server (board.sent >= 1, nothing pending or queued)");

        // A stroke may go out in more than one piece (every 100 ms while drawing): everyone must hold every piece sent.
        var total = await ada.EvaluateAsync<int>("() => window.game.board.sent") + await bob.EvaluateAsync<int>("() => window.game.board.sent");
        output.WriteLine($"draw messages sent by Ada and Bob: {total}");
        var hasAll = $"() => window.game.board && window.game.board.strokes === {total}";
        await WaitForAsync(ada, "Ada", hasAll, $"Ada's board to hold both strokes ({total} draw messages: hers and Bob's)");
        await WaitForAsync(bob, "Bob", hasAll, $"Bob's board to hold both strokes ({total} draw messages: his and Ada's)");

        var cy = await OpenPageAsync("Cy");
        await JoinAsync(cy, room, "board");
        var strokes = await cy.EvaluateAsync<int>("() => window.game.board.strokes");
        Assert.True(strokes == total,
            $"Cy joined board room '{room}' after Ada and Bob drew, but right after joining the page holds {strokes} strokes, not the {total} "
            + "from joined.strokes (the history)");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Two_pages_in_a_relay_room_open_a_WebRTC_data_channel_and_send_a_message_peer_to_peer()
    {
        var room = NewRoom("relay");
        var caller = await OpenPageAsync("Caller");
        var callee = await OpenPageAsync("Callee");
        await JoinAsync(caller, room, "relay");
        await JoinAsync(callee, room, "relay");

        foreach (var (page, who) in new[] { (caller, "Caller"), (callee, "Callee") })
        {
            await WaitForAsync(page, who, "() => window.relayTest && window.relayTest.state === 'connected'",
                $"{who}'s data channel to the other peer to open through relay signalling (window.relayTest.state 'connected')",
                describe: "() => JSON.stringify({ state: window.relayTest.state, media: window.relayTest.media, peers: window.relayTest.peers })");
        }

        var sentTo = await caller.EvaluateAsync<int>("() => window.relayTest.send('hello p2p')");
        Assert.True(sentTo == 1, $"window.relayTest.send('hello p2p') on Caller's page went to {sentTo} peers, not 1");
        var callerId = await caller.EvaluateAsync<string>("() => window.game.playerId");
        await WaitForAsync(callee, "Callee",
            $"() => window.relayTest.messages.some(m => m.dir === 'in' && m.text === 'hello p2p' && String(m.from) === '{callerId}')",
            $"Callee to receive 'hello p2p' from Caller ({callerId}) over the data channel (relayTest.messages, dir 'in')",
            describe: "() => JSON.stringify(window.relayTest.messages)");
        var media = await callee.EvaluateAsync<string>("() => window.relayTest.media");
        output.WriteLine($"callee media: {media}");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task A_phone_page_moves_the_arena_player_with_the_touch_stick()
    {
        var room = NewRoom("arena");
        var phone = await OpenPageAsync("Thumb", new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            HasTouch = true,
            IsMobile = true,
            DeviceScaleFactor = 3,
        });
        await JoinAsync(phone, room, "arena");
        await WaitForAsync(phone, "Thumb", "() => window.game.server !== null", $"the phone's first 'map' in arena room '{room}'");

        var stick = await phone.QuerySelectorAsync("#stick");
        var box = stick is null ? null : await stick.BoundingBoxAsync();
        Assert.True(box is not null && box.Width > 0 && box.Height > 0,
            "the touch stick #stick is not shown on a 390×844 touch page in the arena (no bounding box)");

        var start = await phone.EvaluateAsync<JsonElement>("() => window.game.server");
        var (sx, sy) = (start.GetProperty("x").GetDouble(), start.GetProperty("y").GetDouble());
        var towardsX = sx < 500 ? 1 : -1; // towards the far side of the world
        output.WriteLine($"phone player at ({sx:F1}, {sy:F1}); stick at {box!.X:F0},{box.Y:F0} {box.Width:F0}×{box.Height:F0}");

        // A real touch (CDP Input.dispatchTouchEvent, as a finger): Chromium turns it into pointer events on the stick.
        var cx = box.X + box.Width / 2;
        var cy = box.Y + box.Height / 2;
        var cdp = await phone.Context.NewCDPSessionAsync(phone);
        await TouchAsync(cdp, "touchStart", cx, cy);
        for (var i = 1; i <= 5; i++)
        {
            await TouchAsync(cdp, "touchMove", cx + towardsX * box.Width * 0.5 * i / 5, cy);
            await phone.WaitForTimeoutAsync(20);
        }
        await phone.WaitForTimeoutAsync(1000);
        var held = await phone.EvaluateAsync<JsonElement>("() => window.game.server");
        await TouchAsync(cdp, "touchEnd", null, null);

        var (hx, hy) = (held.GetProperty("x").GetDouble(), held.GetProperty("y").GetDouble());
        output.WriteLine($"after holding the stick for 1 s the server has the phone player at ({hx:F1}, {hy:F1})");
        Assert.True((hx - sx) * towardsX > 50,
            $"holding the touch stick towards {(towardsX > 0 ? "+x" : "-x")} for 1 s did not move the arena player more than 50 units on the server: "
            + $"from ({sx:F1}, {sy:F1}) to ({hx:F1}, {hy:F1}); page: {await DescribeAsync(phone)}");

        // Releasing the stick stops the player.
        await phone.WaitForTimeoutAsync(300);
        var a = await phone.EvaluateAsync<JsonElement>("() => window.game.server");
        await phone.WaitForTimeoutAsync(400);
        var b = await phone.EvaluateAsync<JsonElement>("() => window.game.server");
        Assert.True(Math.Abs(a.GetProperty("x").GetDouble() - b.GetProperty("x").GetDouble()) < 1,
            $"the arena player kept moving after the finger left the stick: x {a.GetProperty("x")} then {b.GetProperty("x")} 400 ms later");
        AssertNoPageErrors();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static string NewRoom(string kind) => $"{kind}-{Guid.NewGuid():N}"[..24];

    private async Task<IPage> OpenPageAsync(string name, BrowserNewContextOptions? options = null)
    {
        var context = await fixture.Browser.NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => { lock (_pageErrors) { _pageErrors.Add((name, error)); } };
        page.Console += (_, msg) =>
        {
            if (msg.Type is "error" or "warning")
            {
                output.WriteLine($"[{_clock.Elapsed.TotalSeconds:F1}s] {name} console [{msg.Type}] {msg.Text}");
            }
        };
        await page.GotoAsync(fixture.BaseUrl.ToString());
        await page.FillAsync("#name", name);
        await page.ClickAsync("#connect");
        await WaitForAsync(page, name, "() => window.game && window.game.connected", $"{name}'s page to receive 'welcome' (window.game.connected)");
        return page;
    }

    /// <summary>Through the lobby form: the kind picker, the room name, Join; waits for <c>joined</c> of that kind.</summary>
    private async Task JoinAsync(IPage page, string room, string kind)
    {
        var who = await page.EvaluateAsync<string>("() => window.game.name");
        await page.CheckAsync($"input[name=kind][value={kind}]");
        await page.FillAsync("#room", room);
        await page.ClickAsync("#join");
        await WaitForAsync(page, who, $"() => window.game.room === '{room}' && window.game.kind === '{kind}'",
            $"{who} to join {kind} room '{room}' through the lobby form (window.game.room and kind)");
        output.WriteLine($"[{_clock.Elapsed.TotalSeconds:F1}s] {who} joined {kind} room {room}");
    }

    /// <summary>A mouse drag across the board canvas between two points given as fractions of its size.</summary>
    private static async Task DragOnBoardAsync(IPage page, (double X, double Y) from, (double X, double Y) to)
    {
        var canvas = await page.QuerySelectorAsync("#board");
        var box = canvas is null ? null : await canvas.BoundingBoxAsync();
        Assert.True(box is not null && box.Width > 10 && box.Height > 10, "the board canvas #board has no usable size on the page");
        await page.Mouse.MoveAsync((float)(box!.X + box.Width * from.X), (float)(box.Y + box.Height * from.Y));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)(box.X + box.Width * to.X), (float)(box.Y + box.Height * to.Y), new MouseMoveOptions { Steps = 12 });
        await page.Mouse.UpAsync();
    }

    private static Task TouchAsync(ICDPSession cdp, string type, double? x, double? y) =>
        cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
        {
            ["type"] = type,
            ["touchPoints"] = x is null ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x.Value, ["y"] = y!.Value, ["id"] = 1 } },
        });

    private async Task WaitForAsync(IPage page, string who, string condition, string what, TimeSpan? timeout = null, string? describe = null)
    {
        var limit = timeout ?? Deadline;
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = (float)limit.TotalMilliseconds, PollingInterval = 50 });
        }
        catch (TimeoutException)
        {
            var extra = describe is null ? "" : " " + await page.EvaluateAsync<string>(describe);
            Assert.Fail($"timed out after {limit.TotalSeconds} s waiting for {what}. {who}'s page: {await DescribeAsync(page)}{extra}");
        }
    }

    private static Task<string> DescribeAsync(IPage page) =>
        page.EvaluateAsync<string>("() => window.game ? JSON.stringify({ state: window.game.state, room: window.game.room, kind: window.game.kind, "
            + "playerId: window.game.playerId, players: window.game.players.length, waiting: window.game.waiting, me: window.game.me, server: window.game.server, "
            + "pong: window.game.pong, board: window.game.board }) + ' lobby error: ' + document.querySelector('#lobby-error').textContent + ' toasts: ' "
            + "+ [...document.querySelectorAll('.toast')].map(t => t.textContent).join(' | ') : 'window.game missing'");

    private void AssertNoPageErrors()
    {
        lock (_pageErrors)
        {
            Assert.True(_pageErrors.Count == 0, "uncaught errors on the pages: " + string.Join(" | ", _pageErrors.Select(e => $"{e.Who}: {e.Error}")));
        }
    }
}
