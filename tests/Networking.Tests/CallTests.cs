using Game.Grains.Interfaces;
using Game.Runtime;

namespace Game.Networking.Tests;

public sealed class CallTests
{
    private static readonly TimeSpan Deadline = Eventually.Deadline;

    [Fact]
    public async Task A_call_from_a_client_runs_on_the_silo_placement_chose_and_returns_its_value()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;

        var grain = client.Grains.GetGrain<IEchoGrain>("e1");
        var answer = await Eventually.Within(grain.Echo("hi"), Deadline, "the echo call answering");

        Assert.Equal($"hi from {b.Address}", answer);
        // The activation registered the silo's real endpoint (the listener's port), which other processes connect to.
        Assert.Equal(b.Address, (await cluster.Directory.Lookup(grain.GetGrainId()))?.Silo);
        Assert.NotEqual(0, b.Address!.Port);
        // Later calls use the cached location (no second placement) and still reach the same activation.
        cluster.Placement.Target = a.Address;
        Assert.Equal(b.Address!.ToString(), await Eventually.Within(grain.WhereAreYou(), Deadline, "the second call answering"));
        Assert.Equal(1, cluster.Placement.Placements);
    }

    [Fact]
    public async Task One_way_calls_to_a_grain_that_moved_stop_being_forwarded_once_the_old_silo_tells_the_caller()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var c = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("mover");
        Assert.Equal(b.Address!.ToString(), await Eventually.Within(grain.WhereAreYou(), Deadline, "the first call")); // cached: B, with its activation

        // The grain moves to C (as a player following its room does); only one-way calls follow, as player inputs do.
        await grain.Deactivate();
        await cluster.Probe.WaitFor(() => cluster.Probe.Has($"deactivated:mover@{b.Address}"), Deadline, "the grain deactivating on B");
        await Eventually.Until(() => cluster.Directory.Lookup(grain.GetGrainId()).Result is null, Deadline, "B unregistering the grain");
        cluster.Placement.Target = c.Address;
        await grain.Record("first");
        await cluster.Probe.WaitFor(() => cluster.Probe.Has($"record:first@{c.Address}"), Deadline, "B forwarding the first one-way call to C");
        await Eventually.Until(() => !client.Cache.TryGet(grain.GetGrainId(), out var cached) || cached.Silo != b.Address,
            Deadline, "B telling the client that its cached location is stale");

        var lookupsBefore = cluster.CountingDirectory.Lookups;
        for (var i = 0; i < 50; i++) await grain.Record($"r{i}");
        await cluster.Probe.WaitFor(() => cluster.Probe.Has($"record:r49@{c.Address}"), Deadline, "the 50 one-way calls reaching C");

        // Before the fix each of these went to B, which looked the grain up again (a database query) and forwarded it.
        var lookups = cluster.CountingDirectory.Lookups - lookupsBefore;
        Assert.True(lookups <= 1, $"50 one-way calls after the move made {lookups} directory lookups; the caller should re-resolve once");
        Assert.True(client.Cache.TryGet(grain.GetGrainId(), out var location) && location.Silo == c.Address, "the client's cache does not point at C");
    }

    [Fact]
    public async Task Calls_that_miss_the_location_cache_together_share_one_lookup_and_one_placement()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("crowd");
        cluster.CountingDirectory.LookupDelay = TimeSpan.FromMilliseconds(50); // a database round trip: the calls arrive while it runs

        var lookupsBefore = cluster.CountingDirectory.Lookups;
        var calls = Enumerable.Range(0, 200).Select(i => grain.Echo($"c{i}")).ToArray();
        await Eventually.Within(Task.WhenAll(calls), Deadline, "200 concurrent first calls answering");

        Assert.All(calls, c => Assert.EndsWith($"from {b.Address}", c.Result));
        Assert.Equal(1, cluster.Placement.Placements);
        var lookups = cluster.CountingDirectory.Lookups - lookupsBefore;
        Assert.True(lookups <= 2, $"200 calls issued together before the grain's location was known made {lookups} directory lookups");
    }

    [Fact]
    public async Task Records_immutable_collections_polymorphic_events_structs_nulls_and_overloads_cross_the_wire()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("e2");

        var joined = await Eventually.Within(grain.Mirror(Samples.Joined), Deadline, "Mirror answering");
        Assert.Equal("p1!", joined.Host);
        Assert.Equal(new PlayerProfile("Bob", new Rgb(0, 128, 255)), joined.Players["p2"]);
        Assert.Equal(2, joined.Players.Count);

        foreach (var sent in Samples.AllEvents)
        {
            var back = await Eventually.Within(grain.MirrorEvent(sent), Deadline, $"MirrorEvent({sent.GetType().Name}) answering");
            Assert.IsType(sent.GetType(), back);
            if (sent is RoomSnapshot snapshot)
            {
                var s = Assert.IsType<RoomSnapshot>(back);
                Assert.Equal(snapshot.Players.ToArray(), s.Players.ToArray());
                Assert.Equal(snapshot.Tick, s.Tick);
            }
            else
            {
                Assert.Equal(sent, back);
            }
        }

        Assert.Equal(new PlayerInput(8, 12.5, -1f, 0.5f, true), await grain.MirrorInput(new PlayerInput(7, 12.5, -1f, 0.5f, true)));
        Assert.Null(await grain.Nothing());
        Assert.Equal(["r0", "r1", "r2"], (await grain.List(3)).Select(r => r.Id));
        Assert.Equal(5, await grain.Add(2, 3));
        Assert.Equal(1006, await grain.Add(1, 2, 3));
        // The token is not sent: the grain gets CancellationToken.None, whatever the caller passed.
        using var cts = new CancellationTokenSource();
        Assert.Equal(5, await grain.Length("hello", cts.Token));
    }

    [Fact]
    public async Task Grain_exceptions_come_back_typed()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("e3");

        var argument = await Eventually.Throws<ArgumentException>(() => grain.Throw("argument"), Deadline, "the argument error");
        Assert.Contains("bad argument", argument.Message);
        Assert.Equal("not now", (await Eventually.Throws<InvalidOperationException>(() => grain.Throw("invalid"), Deadline, "the invalid-operation error")).Message);
        Assert.Equal("too slow", (await Eventually.Throws<TimeoutException>(() => grain.Throw("timeout"), Deadline, "the timeout error")).Message);
        Assert.Equal("somewhere else is down", (await Eventually.Throws<SiloUnavailableException>(() => grain.Throw("unavailable"), Deadline, "the unavailable error")).Message);
        var other = await Eventually.Throws<RemoteGrainException>(() => grain.Throw("thing"), Deadline, "the other error");
        Assert.Equal(typeof(KeyNotFoundException).FullName, other.RemoteExceptionType);
        Assert.Equal("no thing", other.Message);

        // The activation survives its exceptions.
        Assert.Equal(b.Address!.ToString(), await grain.WhereAreYou());
    }

    [Fact]
    public async Task One_way_calls_complete_at_once_and_run_on_the_silo()
    {
        await using var cluster = new TestCluster();
        await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("e4");

        for (var i = 0; i < 50; i++)
        {
            var sent = grain.Record($"n{i}");
            Assert.True(sent.IsCompletedSuccessfully, "a one-way call waited for the grain");
        }
        await cluster.Probe.WaitFor(() => Enumerable.Range(0, 50).All(i => cluster.Probe.Has($"record:n{i}@{b.Address}")), Deadline,
            "all 50 one-way calls running on silo B");
    }

    [Fact]
    public async Task Silos_call_grains_on_each_other_and_locally()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        cluster.Placement.Target = b.Address;

        // From silo A's own grain factory: the grain is placed on B and the call crosses A → B.
        var fromA = a.Grains.GetGrain<IEchoGrain>("e5");
        Assert.Equal(b.Address!.ToString(), await Eventually.Within(fromA.WhereAreYou(), Deadline, "A's call to a grain on B"));
        // From B itself: delivered locally to the same activation.
        Assert.Equal(b.Address.ToString(), await Eventually.Within(b.Grains.GetGrain<IEchoGrain>("e5").WhereAreYou(), Deadline, "B's local call"));
        Assert.Equal(1, cluster.Placement.Placements);
    }

    [Fact]
    public async Task Many_concurrent_callers_all_get_their_own_answers()
    {
        await using var cluster = new TestCluster();
        await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;

        var calls = Enumerable.Range(0, 2000).Select(i => client.Grains.GetGrain<IEchoGrain>($"g{i % 37}").Add(i, 1)).ToArray();
        var results = await Eventually.Within(Task.WhenAll(calls), Deadline, "2000 concurrent calls answering");
        Assert.Equal(Enumerable.Range(1, 2000), results);
    }
}
