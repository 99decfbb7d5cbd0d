using Game.Runtime;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;

namespace Game.Clustering.Tests;

public sealed class GrainDirectoryTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static GrainId NewGrain(string type = "room") => new(type, Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Of_fifty_concurrent_registrations_from_different_silos_exactly_one_wins_and_all_learn_it()
    {
        var membership = postgres.NewMembershipTable();
        var silos = await TestSilos.AddAsync(membership, SiloStatus.Active, 50);
        var processes = Enumerable.Range(0, 5).Select(_ => postgres.NewDirectory()).ToArray();
        var grain = NewGrain();
        var candidates = silos.Select(s => new GrainAddress(grain, s, Guid.NewGuid())).ToArray();

        using var start = new ManualResetEventSlim();
        var registrations = candidates.Select((address, i) => Task.Run(async () =>
        {
            start.Wait();
            return await processes[i % processes.Length].Register(address);
        })).ToArray();
        start.Set();
        var results = await Eventually.Within(Task.WhenAll(registrations), "50 concurrent registrations completing");

        var winner = results[0];
        Assert.All(results, r => Assert.Equal(winner, r));
        Assert.Single(candidates, c => c == winner);
        Assert.Equal(winner, await processes[0].Lookup(grain));
    }

    [Fact]
    public async Task An_entry_on_a_dead_silo_or_a_silo_that_is_not_a_member_is_replaced()
    {
        var membership = postgres.NewMembershipTable();
        var directory = postgres.NewDirectory();
        var (dead, live) = (TestSilos.NewAddress(), TestSilos.NewAddress());
        await TestSilos.PutAsync(membership, TestSilos.Entry(dead, SiloStatus.Active));
        await TestSilos.PutAsync(membership, TestSilos.Entry(live, SiloStatus.Active));
        var grain = NewGrain();
        var onDead = new GrainAddress(grain, dead, Guid.NewGuid());
        Assert.Equal(onDead, await directory.Register(onDead));

        await TestSilos.PutAsync(membership, TestSilos.Entry(dead, SiloStatus.Dead));
        var onLive = new GrainAddress(grain, live, Guid.NewGuid());
        Assert.Equal(onLive, await directory.Register(onLive));
        Assert.Equal(onLive, await directory.Lookup(grain));

        var other = NewGrain();
        var onStranger = new GrainAddress(other, TestSilos.NewAddress(), Guid.NewGuid()); // never joined
        Assert.Equal(onStranger, await directory.Register(onStranger));
        var replacement = new GrainAddress(other, live, Guid.NewGuid());
        Assert.Equal(replacement, await directory.Register(replacement));
    }

    [Fact]
    public async Task An_entry_on_a_joining_active_or_shutting_down_silo_is_kept()
    {
        var membership = postgres.NewMembershipTable();
        var directory = postgres.NewDirectory();
        var challenger = (await TestSilos.AddAsync(membership, SiloStatus.Active, 1))[0];
        foreach (var status in new[] { SiloStatus.Joining, SiloStatus.Active, SiloStatus.ShuttingDown })
        {
            var holder = (await TestSilos.AddAsync(membership, status, 1))[0];
            var grain = NewGrain();
            var first = new GrainAddress(grain, holder, Guid.NewGuid());
            Assert.Equal(first, await directory.Register(first));

            Assert.Equal(first, await directory.Register(new GrainAddress(grain, challenger, Guid.NewGuid())));
        }
    }

    [Fact]
    public async Task Unregister_removes_only_the_registered_activation()
    {
        var membership = postgres.NewMembershipTable();
        var directory = postgres.NewDirectory();
        var silo = (await TestSilos.AddAsync(membership, SiloStatus.Active, 1))[0];
        var address = new GrainAddress(NewGrain(), silo, Guid.NewGuid());
        await directory.Register(address);

        await directory.Unregister(address with { ActivationId = Guid.NewGuid() });
        Assert.Equal(address, await directory.Lookup(address.GrainId));

        await directory.Unregister(address);
        Assert.Null(await directory.Lookup(address.GrainId));
        await directory.Unregister(address); // nothing left: no-op
    }

    [Fact]
    public async Task TryReplace_moves_the_entry_only_from_the_registered_activation()
    {
        var membership = postgres.NewMembershipTable();
        var directory = postgres.NewDirectory();
        var silos = await TestSilos.AddAsync(membership, SiloStatus.Active, 2);
        var grain = NewGrain();
        var current = new GrainAddress(grain, silos[0], Guid.NewGuid());
        await directory.Register(current);
        var next = new GrainAddress(grain, silos[1], Guid.NewGuid());

        Assert.False(await directory.TryReplace(current with { ActivationId = Guid.NewGuid() }, next));
        Assert.Equal(current, await directory.Lookup(grain));

        Assert.True(await directory.TryReplace(current, next));
        Assert.Equal(next, await directory.Lookup(grain));
        Assert.False(await directory.TryReplace(current, next with { ActivationId = Guid.NewGuid() }));
        Assert.Equal(next, await directory.Lookup(grain));

        await Assert.ThrowsAsync<ArgumentException>(() => directory.TryReplace(next, next with { GrainId = NewGrain() }));
    }

    [Fact]
    public async Task CountBySilo_counts_a_grain_types_entries_per_silo_and_UnregisterSilo_removes_a_silos_entries()
    {
        var membership = postgres.NewMembershipTable();
        var directory = postgres.NewDirectory();
        var silos = await TestSilos.AddAsync(membership, SiloStatus.Active, 3);
        var type = $"t{Guid.NewGuid():N}";
        for (var i = 0; i < 3; i++) await directory.Register(new GrainAddress(NewGrain(type), silos[0], Guid.NewGuid()));
        await directory.Register(new GrainAddress(NewGrain(type), silos[1], Guid.NewGuid()));
        await directory.Register(new GrainAddress(NewGrain("other" + type), silos[2], Guid.NewGuid()));

        var counts = await directory.CountBySilo(type);
        Assert.Equal(new Dictionary<SiloAddress, int> { [silos[0]] = 3, [silos[1]] = 1 }, counts);
        Assert.Empty(await directory.CountBySilo("no-such-type"));

        await directory.UnregisterSilo(silos[0]);
        Assert.Equal(new Dictionary<SiloAddress, int> { [silos[1]] = 1 }, await directory.CountBySilo(type));
        Assert.Single(await directory.CountBySilo("other" + type));
    }

    [Fact]
    public async Task Lookup_of_an_unknown_grain_is_null_and_a_grain_key_may_hold_any_text()
    {
        var membership = postgres.NewMembershipTable();
        var directory = postgres.NewDirectory();
        var silo = (await TestSilos.AddAsync(membership, SiloStatus.Active, 1))[0];
        Assert.Null(await directory.Lookup(NewGrain()));

        var odd = new GrainAddress(new GrainId("room", "a/b'; DROP TABLE grain_directory; --ü"), silo, Guid.NewGuid());
        Assert.Equal(odd, await directory.Register(odd));
        Assert.Equal(odd, await directory.Lookup(odd.GrainId));
    }
}
