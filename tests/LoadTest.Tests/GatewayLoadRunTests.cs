using Microsoft.AspNetCore.Builder;
using Game.Gateway;

namespace Game.LoadTest.Tests;

/// <summary>Short load runs against a real in-process gateway (with its co-hosted silo), over real WebSockets.</summary>
[Collection(AloneCollection.Name)]
public sealed class GatewayLoadRunTests : IAsyncLifetime
{
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(90);
    private WebApplication? _app;
    private Uri _ws = null!;

    public async Task InitializeAsync()
    {
        _app = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await _app.StartAsync();
        var http = new Uri(_app.Urls.Single());
        _ws = new Uri($"ws://{http.Authority}/ws");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(BotEncoding.Json)]
    [InlineData(BotEncoding.Binary)]
    public async Task Every_bot_joins_receives_snapshots_and_acks_without_errors_or_disconnects(BotEncoding encoding)
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var progress = new List<LoadProgress>();

        var result = await LoadRun.RunAsync(new LoadRunOptions
        {
            Urls = [_ws],
            Rooms = 2,
            PlayersPerRoom = 4,
            Duration = TimeSpan.FromSeconds(3),
            Warmup = TimeSpan.FromSeconds(1),
            Linger = TimeSpan.FromSeconds(2.5), // progress comes every second: at least two reports fall in it
            Encoding = encoding,
            Progress = p => { lock (progress) progress.Add(p); },
        }, deadline.Token);

        var s = result.Summary;
        Assert.Equal(encoding.ToString().ToLowerInvariant(), s.Encoding);
        Assert.False(s.Cancelled, $"the load run did not finish within {RunDeadline.TotalSeconds} s");
        Assert.True(s.Errors == 0, $"the gateway sent {s.Errors} error(s): {string.Join(", ", s.ErrorsByCode.Select(p => $"{p.Key}={p.Value}"))}");
        Assert.True(s.Disconnects == 0, $"{s.Disconnects} bot(s) were disconnected: {FailureReasons(result)}");
        Assert.True(s.Ccu == 8, $"only {s.Ccu} of 8 bots were playing at the end: {FailureReasons(result)}");
        Assert.Equal(8, result.Bots.Count);
        Assert.All(result.Bots, b =>
        {
            Assert.True(b.PlayerId is not null, $"{b.Name} never got a player id");
            Assert.True(b.SnapshotsInWindow > 0, $"{b.Name} received no map in the measurement window ({b.SnapshotsReceived} in all)");
            Assert.True(b.InputsAcked > 0, $"{b.Name} sent {b.InputsSent} inputs but none was acknowledged (last ack {b.LastAck})");
            Assert.True(b.LongestGapMs is > 0 and < 2_000, $"{b.Name}'s longest gap between maps was {b.LongestGapMs} ms (a tick is 50 ms)");
            Assert.True(b.AckRegressions == 0, $"{b.Name} saw its ack go backwards {b.AckRegressions} time(s)");
        });
        Assert.Equal(result.Bots.Max(b => b.LongestGapMs!.Value), s.GapMaxMs);
        Assert.InRange(s.GapP50Ms, 1, s.GapMaxMs);
        Assert.Equal(0, s.AckRegressions);
        Assert.Equal(2, result.Bots.Select(b => b.Room).Distinct().Count());
        Assert.True(result.InputLatency.TotalCount > 0, "no input->ack latency was measured in the window");
        Assert.True(result.JoinLatency.TotalCount == 8, $"{result.JoinLatency.TotalCount} join latencies recorded, expected 8");
        Assert.InRange(s.DurationSeconds, 2.9, 5.4); // the window (3 s), not the linger after it (5.5 s with it)
        lock (progress)
        {
            Assert.Contains(progress, p => p.Phase == LoadPhase.Measuring && p.Ccu == 8);
            // After the window the bots play on, all of them, until the linger ends.
            Assert.Contains(progress, p => p.Phase == LoadPhase.Lingering && p.Ccu == 8);
        }
    }

    [Theory]
    [InlineData(RoomKind.Pong, 2)]
    [InlineData(RoomKind.Relay, 3)]
    [InlineData(RoomKind.Board, 3)]
    public async Task Every_kind_seats_its_bots_and_measures_its_latency_without_errors(RoomKind kind, int players)
    {
        using var deadline = new CancellationTokenSource(RunDeadline);

        var result = await LoadRun.RunAsync(new LoadRunOptions
        {
            Urls = [_ws],
            Rooms = 2,
            PlayersPerRoom = players,
            Kind = kind,
            Duration = TimeSpan.FromSeconds(2),
            Warmup = TimeSpan.FromSeconds(1),
            // Half the limits of the message kinds (30 draw, 60 relay a second): on a busy test machine a bot's sends can
            // reach the gateway bunched, and 20 a second bunched after a stall went over board's 30 once.
            InputRateHz = 10,
        }, deadline.Token);

        var s = result.Summary;
        Assert.Equal(kind, s.Kind);
        Assert.Contains($"\"kind\":\"{kind.WireName()}\"", s.ToJson(), StringComparison.Ordinal);
        Assert.False(s.Cancelled, $"the load run did not finish within {RunDeadline.TotalSeconds} s");
        Assert.True(s.Errors == 0, $"the gateway sent {s.Errors} error(s): {string.Join(", ", s.ErrorsByCode.Select(p => $"{p.Key}={p.Value}"))}");
        Assert.True(s.Disconnects == 0, $"{s.Disconnects} bot(s) were disconnected: {FailureReasons(result)}");
        Assert.True(s.Ccu == 2 * players, $"only {s.Ccu} of {2 * players} bots were playing at the end: {FailureReasons(result)}");
        Assert.True(s.LatencySamples > 0, $"no {kind.LatencyLabel()} latency was measured in the window");
        Assert.InRange(s.P99Ms, 0, 5_000);
        Assert.All(result.Bots, b =>
        {
            Assert.True(b.InputsAcked > 0, $"{b.Name} sent {b.InputsSent} message(s) but took no latency sample");
            if (kind.Ticks())
            {
                Assert.True(b.SnapshotsInWindow > 0, $"{b.Name} received no map in the measurement window");
            }
            else
            {
                Assert.Equal(0, b.SnapshotsReceived);
                Assert.Null(b.LongestGapMs);
            }
        });
        Assert.Equal(kind.Ticks(), s.SnapshotsPerBotPerSecond > 0);
    }

    [Fact]
    public async Task A_ninth_player_in_an_arena_is_refused_and_counted_by_error_code()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);

        var result = await LoadRun.RunAsync(new LoadRunOptions
        {
            Urls = [_ws],
            Rooms = 1,
            PlayersPerRoom = 9,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.Zero,
            RampPerSecond = 50,
        }, deadline.Token);

        var s = result.Summary;
        Assert.False(s.Cancelled, $"the load run did not finish within {RunDeadline.TotalSeconds} s");
        Assert.Equal(8, s.Ccu);
        Assert.Equal(1, s.JoinFailures);
        Assert.True(s.ErrorsByCode.TryGetValue("room_full", out var full) && full == 1,
            $"expected one room_full error, got: {string.Join(", ", s.ErrorsByCode.Select(p => $"{p.Key}={p.Value}"))}");
        Assert.False(s.SloHeld, "a run with a bot that never joined cannot hold the SLO");
        var refused = Assert.Single(result.Bots, b => b.State == BotState.Failed); // whichever joined last
        Assert.Contains("room_full", refused.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slo_search_grows_while_the_slo_holds_and_reports_the_last_ccu_that_held()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var run = new LoadRunOptions { Urls = [_ws], PlayersPerRoom = 2, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero };
        var lenient = new SloCriteria(MinSnapshotsPerSecond: 0, MaxP99Ms: 1e9, MinInputShare: 0);

        var search = await SloSearch.RunAsync(run, new SloSearchOptions { StartRooms = 1, MaxRooms = 2, Pause = TimeSpan.Zero, Criteria = lenient }, deadline.Token);

        Assert.Equal([1, 2], search.Steps.Select(s => s.Rooms));
        Assert.All(search.Steps, s => Assert.True(s.Held, $"step {s.Number} ({s.Rooms} rooms) did not hold: {s.Result.Summary.ToJson()}"));
        Assert.Equal(4, search.MaxCcu);
        Assert.Null(search.FirstBrokenRooms);
        Assert.Equal(2, search.FinalSummary()!.SloSteps);
    }

    [Fact]
    public async Task Slo_search_reruns_a_broken_step_before_giving_up()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var run = new LoadRunOptions { Urls = [_ws], PlayersPerRoom = 2, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.Zero };
        var impossible = new SloCriteria(MaxP99Ms: -1);

        var search = await SloSearch.RunAsync(run, new SloSearchOptions { StartRooms = 1, Pause = TimeSpan.Zero, Criteria = impossible, Attempts = 2 }, deadline.Token);

        Assert.Equal([(1, 1), (1, 2)], search.Steps.Select(s => (s.Rooms, s.Attempt)));
        Assert.Null(search.Best);
        Assert.Equal(0, search.MaxCcu);
        Assert.Equal(1, search.FirstBrokenRooms);
        Assert.False(search.FinalSummary()!.SloHeld);
    }

    private static string FailureReasons(LoadRunResult result) =>
        string.Join("; ", result.Bots.Where(b => b.FailureReason is not null).Select(b => $"{b.Name}: {b.FailureReason}"));
}

/// <summary>
/// Tests that nothing else in this assembly runs beside: a load run fails on a 2 s gap between maps, and a test beside it
/// that allocates hard (<c>LatencyHistogramTests</c> makes 5,000 histograms) stalled the process's thread pool for 3.4 s
/// on a slow machine (the full test run of 2026-11-30, 23:16 UTC), so the rooms' ticks stalled with it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "alone";
}
