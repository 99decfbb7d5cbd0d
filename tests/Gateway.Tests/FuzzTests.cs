using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Game.Gateway.Tests.Fuzz;
using Xunit.Abstractions;

namespace Game.Gateway.Tests;

/// <summary>
/// Fuzzing the shipped gateway's <c>/ws</c> ("Operating it safely"): property tests (FsCheck) that send random frames
/// and frames mutated from a corpus of valid messages, one connection per property, and judge every frame the server
/// sends back against docs/protocol.md: only documented message types and error codes, the socket open except after
/// <c>too_large</c> (1009), never a server fault (1011). Each property runs a fixed number of cases; a failure prints
/// the case (how its frame was made, and its bytes) and FsCheck's seed to replay it.
/// </summary>
[Collection(RealGatewayCollection.Name)]
public sealed class FuzzTests(RealGateway gateway, ITestOutputHelper output)
{
    private static readonly TimeSpan MapDeadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Fuzz_random_frames_get_documented_replies_only_and_never_a_server_fault()
    {
        var room = RealGateway.NewRoom("fz1");
        await using var session = await FuzzSession.StartAsync(gateway.Address, "Fuzz1", stayIn: room);
        await CheckAsync(FuzzFrames.Random(Corpus.Messages(room)), cases: 400, session.RunCaseAsync);
        output.WriteLine(session.Summary());
    }

    [Fact]
    public async Task Fuzz_mutated_valid_messages_get_documented_replies_only_and_never_a_server_fault()
    {
        var room = RealGateway.NewRoom("fz2");
        await using var session = await FuzzSession.StartAsync(gateway.Address, "Fuzz2");
        await CheckAsync(FuzzFrames.Mutated(Corpus.Messages(room)), cases: 500, session.RunCaseAsync);
        output.WriteLine(session.Summary());
    }

    [Fact]
    public async Task Fuzz_binary_frames_on_a_binary_connection_get_documented_replies_only_and_never_a_server_fault()
    {
        var room = RealGateway.NewRoom("fz4");
        await using var session = await FuzzSession.StartAsync(gateway.Address, "Fuzz4", stayIn: room, binary: true);
        await CheckAsync(FuzzFrames.Binary(Corpus.Messages(room)), cases: 300, session.RunCaseAsync);
        // Still seated and fed: a roster and binary maps follow, well-formed (judged like every other frame).
        await session.WaitForReplyAsync("binary roster", 1, MapDeadline);
        var maps = session.Replies.GetValueOrDefault("binary map");
        await session.WaitForReplyAsync("binary map", maps + 3, MapDeadline);
        output.WriteLine(session.Summary());
    }

    [Fact]
    public async Task Fuzz_an_arena_room_being_fuzzed_keeps_ticking_and_the_server_keeps_welcoming()
    {
        var room = RealGateway.NewRoom("fz3");
        await using var observer = await gateway.ConnectAsync("observer");
        await observer.HelloAsync("Observer");
        await observer.JoinAsync(room);
        await observer.WaitForTypeAsync("map", MapDeadline);
        await using var session = await FuzzSession.StartAsync(gateway.Address, "Fuzz3", stayIn: room);

        var corpus = Corpus.Messages(room);
        var gen = Gen.Frequency((1, FuzzFrames.Random(corpus)), (1, FuzzFrames.Mutated(corpus)));
        var cases = 0;
        await CheckAsync(gen, cases: 300, async frame =>
        {
            await session.RunCaseAsync(frame);
            // Every 50 cases, while the fuzzing goes on, the well-behaved player still gets newer maps.
            if (++cases % 50 == 0) await observer.WaitForMapAfterAsync(observer.LastMapTick, MapDeadline);
        });

        // Afterwards both still sit in the room, and it still ticks forward.
        var first = await observer.WaitForMapAfterAsync(observer.LastMapTick, MapDeadline);
        var second = await observer.WaitForMapAfterAsync(first.GetProperty("tick").GetInt64(), MapDeadline);
        Assert.True(second.GetProperty("player").TryGetProperty(observer.Id!, out _), $"the observer is still seated: {second.GetRawText()}");
        Assert.True(second.GetProperty("player").TryGetProperty(session.Id!, out _), $"the fuzzing player is seated in the same room: {second.GetRawText()}");
        var fuzzerMaps = session.Replies.GetValueOrDefault("map");
        await session.WaitForReplyAsync("map", fuzzerMaps + 2, MapDeadline);
        Assert.Equal(0, observer.RepeatedTicks);
        Assert.Empty(observer.Violations);

        // And the process is alive: a fresh connection is welcomed and answered.
        await using var fresh = await gateway.ConnectAsync("fresh");
        await fresh.HelloAsync("Fresh");
        await fresh.RoundTripAsync();
        output.WriteLine(session.Summary());
    }

    /// <summary>
    /// Found by the fuzzing (property 3): a player that leaves an arena room for another room and joins it back at once is
    /// seated there again (the others' maps list it), but about every other time the late <c>player_left</c> of its
    /// first leave arrives after the new <c>joined</c>, and the gateway takes it for the loss of the new seat
    /// (PlayerConnection.DeliverRoomItem drops the seat and the feed): no more maps, room messages get <c>not_in_room</c>.
    /// Ten round trips made it show nearly every run before the fix (seat numbers on joined and player_left).
    /// </summary>
    [Fact]
    public async Task Fuzz_found_joining_a_room_back_at_once_keeps_its_maps_coming()
    {
        var room = RealGateway.NewRoom("fzb");
        await using var observer = await gateway.ConnectAsync("observer");
        await observer.HelloAsync("Observer");
        await observer.JoinAsync(room);
        await using var a = await gateway.ConnectAsync("a");
        await a.HelloAsync("A");
        await a.JoinAsync(room);
        for (var round = 1; round <= 10; round++)
        {
            await a.SendAsync(new { type = "join", room = room + "-x", kind = "board" });
            await a.SendAsync(new { type = "join", room });
            await a.WaitForAsync(m => TestClient.TypeOf(m) == "joined" && m.GetProperty("room").GetString() == room, $"round {round}: joined {room} again");
            var seen = await observer.WaitForAsync(m => TestClient.TypeOf(m) == "map" && m.GetProperty("player").TryGetProperty(a.Id!, out _),
                $"round {round}: a map listing a, seated again", MapDeadline);
            await a.WaitForMapAfterAsync(seen.GetProperty("tick").GetInt64() + 10, TimeSpan.FromSeconds(2)); // ten ticks on, a's feed still runs
        }
    }

    /// <summary>
    /// Runs <paramref name="cases"/> FsCheck cases of <paramref name="gen"/> through <paramref name="run"/>, on the
    /// thread pool (the cases block on the socket; xunit's own context has one thread per core), throwing on the first
    /// failure with the case and the seed.
    /// </summary>
    private async Task CheckAsync(Gen<FuzzFrame> gen, int cases, Func<FuzzFrame, Task> run)
    {
        var clock = Stopwatch.StartNew();
        await Task.Run(() => Prop.ForAll(gen.ToArbitrary(), (FuzzFrame frame) => run(frame).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true)));
        output.WriteLine($"{cases} cases in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
