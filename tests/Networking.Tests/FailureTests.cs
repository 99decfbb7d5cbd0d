using Game.Runtime;
using Game.Runtime.Hosting;
using Game.Runtime.Networking;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Networking.Tests;

public sealed class FailureTests
{
    private static readonly TimeSpan Deadline = Eventually.Deadline;

    // Calls in these tests would take a minute to time out: an answer within the deadline shows they failed fast.
    private static readonly Dictionary<string, string?> SlowTimeout = new() { ["Runtime:Messaging:ResponseTimeout"] = "00:01:00" };
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_call_to_a_grain_on_a_stopped_silo_fails_fast_with_SiloUnavailableException()
    {
        await using var cluster = new TestCluster();
        await cluster.StartSiloAsync();
        var c = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync(SlowTimeout);
        cluster.Placement.Target = c.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("s1");
        Assert.Equal(c.Address!.ToString(), await Eventually.Within(grain.WhereAreYou(), Deadline, "the first call to C"));

        await c.StopAsync(); // membership still says Active: only the connection tells
        await Eventually.Throws<SiloUnavailableException>(() => grain.WhereAreYou(), Fast, "the call after C stopped failing");
        // While the pool backs off or the connection is refused, the next calls fail the same way.
        await Eventually.Throws<SiloUnavailableException>(() => client.Grains.GetGrain<IEchoGrain>("s1-other").WhereAreYou(), Fast, "a call placed on C failing");
    }

    [Fact]
    public async Task A_silo_declared_dead_fails_calls_at_once_and_loses_its_cached_grains()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync(SlowTimeout);
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("d1");
        await Eventually.Within(grain.WhereAreYou(), Deadline, "the call to B");
        Assert.True(client.Cache.TryGet(grain.GetGrainId(), out var cached) && cached.Silo == b.Address, "the client did not cache B as the grain's location");

        cluster.Membership.Set(b.Address!, SiloStatus.Dead);

        Assert.False(client.Cache.TryGet(grain.GetGrainId(), out _), "the dead silo's grain stayed in the client's cache");
        Assert.DoesNotContain(client.Pool.OpenConnections, c => c.RemoteSilo == b.Address);
        // The directory still names B (its cleanup is membership's job): the call fails fast instead of waiting for B.
        cluster.Placement.Target = a.Address;
        await Eventually.Throws<SiloUnavailableException>(() => grain.WhereAreYou(), Fast, "the call to the dead silo failing");
        // Once the directory forgets B, the grain is placed again.
        await cluster.Directory.UnregisterSilo(b.Address!);
        Assert.Equal(a.Address!.ToString(), await Eventually.Within(grain.WhereAreYou(), Deadline, "the call after cleanup reaching A"));
    }

    [Fact]
    public async Task Pending_calls_fail_at_once_when_their_connection_breaks()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync(SlowTimeout);
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("p1");
        await Eventually.Within(grain.WhereAreYou(), Deadline, "the first call");

        var hanging = grain.Hang("never");
        var other = client.Grains.GetGrain<IEchoGrain>("p2").Hang("never");
        await b.Services.GetRequiredService<SiloListener>().StopAsync(); // B drops every accepted connection

        await Eventually.Throws<SiloUnavailableException>(() => hanging, Fast, "the pending call failing when the connection closed");
        await Eventually.Throws<SiloUnavailableException>(() => other, Fast, "the second pending call failing");
    }

    [Fact]
    public async Task A_call_without_an_answer_times_out_and_the_connection_stays_usable()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync(new() { ["Runtime:Messaging:ResponseTimeout"] = "00:00:00.500" });
        cluster.Placement.Target = b.Address;
        var grain = client.Grains.GetGrain<IEchoGrain>("t1");

        var timeout = await Eventually.Throws<TimeoutException>(() => grain.Hang("t1"), Deadline, "the hanging call timing out");
        Assert.Contains("IEchoGrain.Hang", timeout.Message);

        Assert.Equal(b.Address!.ToString(), await Eventually.Within(client.Grains.GetGrain<IEchoGrain>("t2").WhereAreYou(), Deadline, "a call after the timeout"));
        cluster.Probe.Gate("t1").TrySetResult(); // the late answer is ignored
        Assert.Equal(b.Address.ToString(), await Eventually.Within(grain.WhereAreYou(), Deadline, "a call to the grain that hung"));
    }

    [Fact]
    public async Task A_silo_refuses_calls_meant_for_an_older_generation_on_its_endpoint()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync(SlowTimeout);
        // A silo that lived on B's endpoint before B (same host and port, older generation).
        var predecessor = b.Address! with { Generation = b.Address.Generation - 1000 };
        cluster.Membership.Set(predecessor, SiloStatus.Active);
        cluster.Placement.Target = predecessor;

        await Eventually.Throws<SiloUnavailableException>(() => client.Grains.GetGrain<IEchoGrain>("g1").WhereAreYou(), Fast, "the call to the predecessor failing");
        Assert.DoesNotContain(cluster.Probe.Events, e => e.Contains("g1"));
        Assert.Null(await cluster.Directory.Lookup(new GrainId("echo", "g1")));
    }

    [Fact]
    public async Task A_call_to_an_address_nobody_listens_on_fails_fast()
    {
        await using var cluster = new TestCluster();
        await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync(SlowTimeout);
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        cluster.Placement.Target = new SiloAddress("127.0.0.1", closedPort, 1);

        await Eventually.Throws<SiloUnavailableException>(() => client.Grains.GetGrain<IEchoGrain>("n1").WhereAreYou(), Fast, "the call to a closed port failing");
    }

    [Fact]
    public async Task The_prober_says_whether_a_silo_answers()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartSiloAsync();
        var b = await cluster.StartSiloAsync();
        var prober = a.Services.GetRequiredService<Game.Runtime.Membership.ISiloProber>();

        using (var within = new CancellationTokenSource(Deadline))
            Assert.True(await prober.ProbeAsync(b.Address!, within.Token), "B did not answer A's probe");

        await b.StopAsync();
        using (var within = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            Assert.False(await Eventually.Within(prober.ProbeAsync(b.Address!, within.Token), Deadline, "the probe of a stopped silo returning"));
    }
}
