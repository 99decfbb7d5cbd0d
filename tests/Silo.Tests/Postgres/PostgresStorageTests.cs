using System.Net;
using System.Net.Sockets;
using Game.Silo.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Game.Silo.Tests.Postgres;

/// <summary>A grain with one persistent state in the ADO.NET grain storage "Default".</summary>
public interface IPostgresCounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="amount"/> and writes the state.</summary>
    Task<CounterReading> AddAsync(int amount);

    /// <summary>The state as this activation holds it.</summary>
    Task<CounterReading> GetAsync();

    /// <summary>Deactivates this activation once the call returns.</summary>
    Task DeactivateAsync();
}

/// <summary>What <see cref="IPostgresCounterGrain"/> answers: its state, its ETag, and which activation on which silo answered.</summary>
[GenerateSerializer, Immutable]
public sealed record CounterReading(
    [property: Id(0)] int Value,
    [property: Id(1)] int Additions,
    [property: Id(2)] string? ETag,
    [property: Id(3)] Guid Activation,
    [property: Id(4)] string Silo);

/// <summary>The counter's persistent state.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)] public int Value { get; set; }

    [Id(1)] public List<int> Additions { get; set; } = [];
}

/// <summary>The test grain of <see cref="PostgresStorageTests"/>.</summary>
public sealed class PostgresCounterGrain(
    [PersistentState(PostgresCounterGrain.StateName, PostgresStorageTests.StorageName)] IPersistentState<CounterState> state)
    : Grain, IPostgresCounterGrain
{
    /// <summary>The state's name: what Orleans hands grain storage as its "grain type".</summary>
    public const string StateName = "postgres-counter";

    private readonly Guid _activation = Guid.NewGuid();

    public async Task<CounterReading> AddAsync(int amount)
    {
        state.State.Value += amount;
        state.State.Additions.Add(amount);
        await state.WriteStateAsync();
        return Reading();
    }

    public Task<CounterReading> GetAsync() => Task.FromResult(Reading());

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private CounterReading Reading() => new(state.State.Value, state.State.Additions.Count, state.Etag, _activation, RuntimeIdentity);
}

/// <summary>
/// Orleans 10.4.2's own ADO.NET clustering and grain storage on our schema (<see cref="PostgresSchema"/>), with real
/// silos and a client: one database per class, a fresh cluster (ClusterId/ServiceId) per test.
/// </summary>
public sealed class PostgresStorageTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    /// <summary>The grain storage provider the test grain uses.</summary>
    public const string StorageName = "Default";

    /// <summary>A second provider on the same tables, with DeleteStateOnClear.</summary>
    private const string DeletingStorageName = "Deleting";

    private const int Active = 3; // SiloStatus.Active
    private const int Dead = 6;   // SiloStatus.Dead

    private string ConnectionString => PostgresSchema.WithPoolCap(database.ConnectionString);

    public Task InitializeAsync() => PostgresSchema.ApplyAsync(database.ConnectionString, NullLogger.Instance, CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_silos_and_a_client_form_a_cluster_and_state_survives_deactivation()
    {
        await using var cluster = new PostgresCluster(ConnectionString, output);
        await cluster.StartSiloAsync();
        await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();

        var statuses = await database.QueryAsync<int>($"SELECT status FROM orleans_membership WHERE cluster_id = '{cluster.ClusterId}'");
        Assert.Equal(new[] { Active, Active }, statuses);

        var grain = client.GetGrain<IPostgresCounterGrain>("survives");
        await grain.AddAsync(2);
        var written = await grain.AddAsync(3);
        Assert.Equal(5, written.Value);
        Assert.Equal("2", written.ETag);

        await grain.DeactivateAsync();
        var reread = await Eventually(async () =>
        {
            var reading = await grain.GetAsync();
            Assert.NotEqual(written.Activation, reading.Activation);
            return reading;
        });

        Assert.Equal(5, reread.Value);
        Assert.Equal(2, reread.Additions);
        Assert.Equal("2", reread.ETag);
        var stored = await database.QueryAsync<int>(
            $"SELECT version FROM orleans_grain_state WHERE service_id = '{cluster.ServiceId}' AND state_name = '{PostgresCounterGrain.StateName}'");
        Assert.Equal(new[] { 2 }, stored);
        // Orleans's default grain storage serializer writes JSON (Newtonsoft) into the bytea payload.
        var payload = await database.QueryAsync<string>(
            $"SELECT convert_from(payload, 'UTF8') FROM orleans_grain_state WHERE service_id = '{cluster.ServiceId}'");
        output.WriteLine($"stored payload: {payload.Single()}");
        Assert.Contains("\"Value\":5", payload.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_writer_with_a_stale_etag_changes_nothing_and_clear_is_versioned_too()
    {
        await using var cluster = new PostgresCluster(ConnectionString, output);
        var silo = await cluster.StartSiloAsync();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
        var grainId = GrainId.Create("postgres-counter", "stale");
        const string State = "stale-test";

        var first = await ReadAsync(storage, State, grainId);
        Assert.False(first.RecordExists);
        Assert.Null(first.ETag);
        first.State!.Value = 1;
        await storage.WriteStateAsync(State, grainId, first);
        Assert.Equal("1", first.ETag);
        Assert.True(first.RecordExists);

        // Another activation reads and writes: the version advances.
        var second = await ReadAsync(storage, State, grainId);
        Assert.Equal("1", second.ETag);
        second.State!.Value = 2;
        await storage.WriteStateAsync(State, grainId, second);
        Assert.Equal("2", second.ETag);

        // The first one wakes up (a frozen silo) and writes with its old ETag: refused, the newer state stays.
        first.State.Value = 100;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(State, grainId, first));
        Assert.Equal("1", first.ETag);
        Assert.Equal(2, (await ReadAsync(storage, State, grainId)).State!.Value);

        // A writer that never saw the row (no ETag: a second activation's first write) cannot overwrite it either.
        var blind = new GrainState<CounterState>(new CounterState { Value = 7 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(State, grainId, blind));

        // Clear with the stale ETag fails; with the current one it drops the state and advances the version.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(State, grainId, first));
        Assert.Equal(2, (await ReadAsync(storage, State, grainId)).State!.Value);
        await storage.ClearStateAsync(State, grainId, second);
        Assert.Equal("3", second.ETag);
        Assert.False(second.RecordExists);
        Assert.Equal(0, second.State!.Value);

        var cleared = await ReadAsync(storage, State, grainId);
        Assert.False(cleared.RecordExists);
        Assert.Equal("3", cleared.ETag);
        Assert.Equal(0, cleared.State!.Value);

        // The pre-clear ETag is dead for good; the post-clear one writes.
        var old = new GrainState<CounterState>(new CounterState { Value = 9 }, "2");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(State, grainId, old));
        cleared.State.Value = 4;
        await storage.WriteStateAsync(State, grainId, cleared);
        Assert.Equal("4", cleared.ETag);
        Assert.Equal(4, (await ReadAsync(storage, State, grainId)).State!.Value);
    }

    [Fact]
    public async Task A_grain_whose_state_was_written_elsewhere_fails_its_write_and_comes_back_with_the_newer_state()
    {
        await using var cluster = new PostgresCluster(ConnectionString, output);
        var silo = await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();
        var grain = client.GetGrain<IPostgresCounterGrain>("overtaken");
        var before = await grain.AddAsync(1);

        // Another activation (say on a silo that took over while this one was frozen) writes a newer state.
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
        var newer = await ReadAsync(storage, PostgresCounterGrain.StateName, grain.GetGrainId());
        newer.State!.Value = 50;
        await storage.WriteStateAsync(PostgresCounterGrain.StateName, grain.GetGrainId(), newer);

        // The old activation's write is refused (Orleans then deactivates it) ...
        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AddAsync(1));

        // ... and the next call reads the newer state into a new activation.
        var after = await Eventually(async () =>
        {
            var reading = await grain.GetAsync();
            Assert.NotEqual(before.Activation, reading.Activation);
            return reading;
        });
        Assert.Equal(50, after.Value);
        Assert.Equal(newer.ETag, after.ETag);
    }

    [Fact]
    public async Task Of_concurrent_writers_holding_the_same_etag_exactly_one_wins()
    {
        await using var cluster = new PostgresCluster(ConnectionString, output);
        var silo = await cluster.StartSiloAsync();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
        var grainId = GrainId.Create("postgres-counter", "race");
        const string State = "race-test";

        // Eight first writes (no ETag) at once, then eight writes holding the same ETag at once.
        var creators = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            TryWriteAsync(storage, State, grainId, new GrainState<CounterState>(new CounterState { Value = i }))));
        Assert.Single(creators, won => won);

        var etag = (await ReadAsync(storage, State, grainId)).ETag;
        var updaters = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            TryWriteAsync(storage, State, grainId, new GrainState<CounterState>(new CounterState { Value = 10 + i }, etag))));
        Assert.Single(updaters, won => won);
        Assert.Equal("2", (await ReadAsync(storage, State, grainId)).ETag);
    }

    [Fact]
    public async Task Delete_on_clear_lets_the_state_be_created_again_without_reviving_old_etags()
    {
        await using var cluster = new PostgresCluster(ConnectionString, output);
        var silo = await cluster.StartSiloAsync();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(DeletingStorageName);
        var grainId = GrainId.Create("postgres-counter", "deleted");
        const string State = "delete-test";

        var grain = await ReadAsync(storage, State, grainId);
        grain.State!.Value = 1;
        await storage.WriteStateAsync(State, grainId, grain);
        var stale = new GrainState<CounterState>(new CounterState { Value = 666 }, grain.ETag);

        var staleDelete = new GrainState<CounterState>(new CounterState(), "0") { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(State, grainId, staleDelete));

        await storage.ClearStateAsync(State, grainId, grain);
        Assert.Null(grain.ETag); // Orleans forgets the ETag after a delete
        Assert.False(grain.RecordExists);
        var deleted = await ReadAsync(storage, State, grainId);
        Assert.False(deleted.RecordExists);
        Assert.Equal(0, deleted.State!.Value);

        // The grain writes again without an ETag, as Orleans does after a delete: the version continues, never restarts.
        grain.State!.Value = 5;
        await storage.WriteStateAsync(State, grainId, grain);
        Assert.Equal("3", grain.ETag);

        // So a writer holding the ETag from before the delete cannot match the new row, nor can a second blind creator.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(State, grainId, stale));
        var blind = new GrainState<CounterState>(new CounterState { Value = 7 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(State, grainId, blind));
        Assert.Equal(5, (await ReadAsync(storage, State, grainId)).State!.Value);
    }

    [Fact]
    public async Task Long_Guid_string_and_extended_keys_are_stored_apart()
    {
        await using var cluster = new PostgresCluster(ConnectionString, output);
        var silo = await cluster.StartSiloAsync();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
        var type = GrainType.Create("postgres-keys");
        var guid = Guid.NewGuid();
        GrainId[] ids =
        [
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(7)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(7, "x")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(-7)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(guid, "x")),
            GrainId.Create(type, "player-x"),
            GrainId.Create(type, "player-y"),
        ];
        const string State = "keys-test";

        for (var i = 0; i < ids.Length; i++)
        {
            var state = await ReadAsync(storage, State, ids[i]);
            Assert.False(state.RecordExists, $"{ids[i]} found another key's state");
            state.State!.Value = 100 + i;
            await storage.WriteStateAsync(State, ids[i], state);
        }

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(100 + i, (await ReadAsync(storage, State, ids[i])).State!.Value);
        }
        var rows = await database.QueryAsync<long>($"SELECT count(*) FROM orleans_grain_state WHERE state_name = '{State}'");
        Assert.Equal(ids.Length, rows.Single());
    }

    [Fact]
    public async Task A_silo_that_stops_is_Dead_and_the_client_goes_on_through_the_other()
    {
        await using var cluster = new PostgresCluster(ConnectionString, output);
        var first = await cluster.StartSiloAsync();
        await cluster.StartSiloAsync();
        var client = await cluster.StartClientAsync();

        // Grains until a few live on the silo that stops (placement decides where).
        var firstAddress = first.Address;
        var grains = new List<IPostgresCounterGrain>();
        var onFirst = 0;
        while (onFirst < 3 && grains.Count < 64)
        {
            var grain = client.GetGrain<IPostgresCounterGrain>($"failover-{grains.Count}");
            grains.Add(grain);
            await grain.AddAsync(1);
            if ((await grain.AddAsync(10)).Silo == firstAddress) onFirst++;
        }
        Assert.True(onFirst > 0, "no grain was placed on the first silo");

        await cluster.StopSiloAsync(first);

        var stopped = await database.QueryAsync<int>(
            $"SELECT status FROM orleans_membership WHERE cluster_id = '{cluster.ClusterId}' AND port = {first.SiloPort}");
        Assert.Equal(new[] { Dead }, stopped);
        var others = await database.QueryAsync<int>(
            $"SELECT status FROM orleans_membership WHERE cluster_id = '{cluster.ClusterId}' AND port <> {first.SiloPort}");
        Assert.Equal(new[] { Active }, others);

        foreach (var grain in grains)
        {
            var reading = await Eventually(() => grain.GetAsync());
            Assert.Equal(11, reading.Value);
            Assert.NotEqual(firstAddress, reading.Silo);
        }
        Assert.Equal(12, (await grains[0].AddAsync(1)).Value);
    }

    [Fact]
    public async Task Membership_writes_with_a_stale_table_version_fail_and_change_nothing()
    {
        var clusterId = $"membership-{Guid.NewGuid():N}";
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = PostgresSchema.Invariant, ConnectionString = ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true); // a second silo finds the version row

        var empty = await table.ReadAllAsync();
        Assert.Empty(empty.Members);
        var v0 = empty.Version;

        var a = NewEntry(20001, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(a, v0.Next()));
        var v1 = (await table.ReadAllAsync()).Version;
        Assert.Equal(v0.Version + 1, v1.Version);

        // Stale version: no insert, no bump.
        var b = NewEntry(20002, SiloStatus.Joining);
        Assert.False(await table.InsertRowAsync(b, v0.Next()));
        // Current version but the row exists already: no insert, no bump.
        Assert.False(await table.InsertRowAsync(a, v1.Next()));
        var afterFailures = await table.ReadAllAsync();
        Assert.Equal(v1.Version, afterFailures.Version.Version);
        Assert.Single(afterFailures.Members);

        // Stale version: the update changes nothing. (Orleans 10.4.2 gives each row the table version as its ETag and
        // refuses by itself an update whose row ETag differs from the table version's; pass matching stale ones so the
        // database has to refuse it.)
        var etag = afterFailures.Members.Single().Item2;
        Assert.Equal(v1.VersionEtag, etag);
        a.Status = SiloStatus.Active;
        Assert.False(await table.UpdateRowAsync(a, v0.VersionEtag, v0.Next()));
        Assert.Equal(SiloStatus.Joining, (await table.ReadRowAsync(a.SiloAddress)).Members.Single().Item1.Status);

        a.AddSuspector(SiloAddress.New(IPAddress.Loopback, 20009, 9), DateTime.UtcNow);
        Assert.True(await table.UpdateRowAsync(a, etag, v1.Next()));
        var row = await table.ReadRowAsync(a.SiloAddress);
        Assert.Equal(v1.Version + 1, row.Version.Version);
        var read = row.Members.Single().Item1;
        Assert.Equal(SiloStatus.Active, read.Status);
        Assert.Equal(a.SiloName, read.SiloName);
        Assert.Equal(a.ProxyPort, read.ProxyPort);
        Assert.Single(read.SuspectTimes!);
        Assert.Equal(a.StartTime, read.StartTime, TimeSpan.FromMilliseconds(1));

        // A row that is not there: one result row all the same, carrying the table version.
        var missing = await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 20099, 1));
        Assert.Empty(missing.Members);
        Assert.Equal(v1.Version + 1, missing.Version.Version);

        // Heartbeats are not versioned.
        a.IAmAliveTime = DateTime.UtcNow.AddSeconds(5);
        await table.UpdateIAmAliveAsync(a);
        var alive = await table.ReadAllAsync();
        Assert.Equal(v1.Version + 1, alive.Version.Version);
        Assert.Equal(a.IAmAliveTime, alive.Members.Single().Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));

        // Clients see the active gateway.
        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = PostgresSchema.Invariant, ConnectionString = ConnectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }));
        await gateways.InitializeGatewayListProviderAsync();
        var uri = Assert.Single(await gateways.GetGatewaysAsync());
        Assert.Equal(a.ProxyPort, uri.Port);
    }

    [Fact]
    public async Task Of_silos_joining_at_once_with_the_same_table_version_exactly_one_gets_in()
    {
        var clusterId = $"race-{Guid.NewGuid():N}";
        var table = NewTable(clusterId);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var version = (await table.ReadAllAsync()).Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var own = NewTable(clusterId);
            await own.InitializeMembershipTableAsync(tryInitTableVersion: true);
            return await own.InsertRowAsync(NewEntry(21000 + i, SiloStatus.Joining), version.Next());
        })));

        Assert.Single(results, inserted => inserted);
        var after = await table.ReadAllAsync();
        Assert.Single(after.Members);
        Assert.Equal(version.Version + 1, after.Version.Version);
    }

    [Fact]
    public async Task Defunct_silo_cleanup_removes_only_old_dead_rows()
    {
        // A database of its own: the test removes a query key.
        var connectionString = PostgresSchema.WithPoolCap(await database.CreateDatabaseAsync());
        await PostgresSchema.ApplyAsync(connectionString, NullLogger.Instance, CancellationToken.None);
        var clusterId = $"cleanup-{Guid.NewGuid():N}";
        var table = NewTable(clusterId, connectionString);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var longAgo = DateTime.UtcNow.AddDays(-10);
        await InsertAsync(table, NewEntry(22001, SiloStatus.Dead, longAgo));
        await InsertAsync(table, NewEntry(22002, SiloStatus.Active, longAgo));
        await InsertAsync(table, NewEntry(22003, SiloStatus.Dead));
        await InsertAsync(table, NewEntry(22004, SiloStatus.ShuttingDown, longAgo));
        // A dead silo with an old suspicion vote: Orleans deletes it only if the row still matches what it read,
        // votes included, so the votes' text must survive the round trip.
        var suspected = NewEntry(22005, SiloStatus.Active, longAgo);
        await InsertAsync(table, suspected);
        suspected.Status = SiloStatus.Dead;
        suspected.AddSuspector(SiloAddress.New(IPAddress.Loopback, 22001, 23001), longAgo);
        var current = await table.ReadAllAsync();
        Assert.True(await table.UpdateRowAsync(suspected, current.Version.VersionEtag, current.Version.Next()));

        // Orleans 10.4.2 uses CleanupDefunctSiloEntryKey when present: only old Dead rows go.
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1));
        Assert.Equal(new[] { 22002, 22003, 22004 }, await PortsAsync(table));

        // Without it, CleanupDefunctSiloEntriesKey: every old row that is not Active.
        await database.QueryAsync<int>("DELETE FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntryKey' RETURNING 1", connectionString);
        var withoutOptional = NewTable(clusterId, connectionString);
        await withoutOptional.InitializeMembershipTableAsync(tryInitTableVersion: false);
        await withoutOptional.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1));
        Assert.Equal(new[] { 22002, 22003 }, await PortsAsync(table));

        await table.DeleteMembershipTableEntriesAsync(clusterId);
        Assert.Equal(new[] { 0L }, await database.QueryAsync<long>("SELECT count(*) FROM orleans_membership", connectionString));
        Assert.Equal(new[] { 0L }, await database.QueryAsync<long>("SELECT count(*) FROM orleans_membership_version", connectionString));

        static async Task InsertAsync(AdoNetClusteringTable table, MembershipEntry entry) =>
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));

        static async Task<int[]> PortsAsync(AdoNetClusteringTable table) =>
            (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order().ToArray();
    }

    private AdoNetClusteringTable NewTable(string clusterId, string? connectionString = null) => new(
        new ServiceCollection().BuildServiceProvider(),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = PostgresSchema.Invariant, ConnectionString = connectionString ?? ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry NewEntry(int port, SiloStatus status, DateTime? time = null) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1000 + port),
        SiloName = $"silo-{port}",
        HostName = "test-host",
        Status = status,
        ProxyPort = port + 10000,
        StartTime = time ?? DateTime.UtcNow,
        IAmAliveTime = time ?? DateTime.UtcNow,
    };

    private static async Task<GrainState<CounterState>> ReadAsync(IGrainStorage storage, string stateName, GrainId grainId)
    {
        var state = new GrainState<CounterState>();
        await storage.ReadStateAsync(stateName, grainId, state);
        return state;
    }

    private static async Task<bool> TryWriteAsync(IGrainStorage storage, string stateName, GrainId grainId, GrainState<CounterState> state)
    {
        try
        {
            await storage.WriteStateAsync(stateName, grainId, state);
            return true;
        }
        catch (InconsistentStateException)
        {
            return false;
        }
    }

    /// <summary>Retries <paramref name="attempt"/> (exceptions and failed asserts alike) for up to 20 s.</summary>
    private static async Task<T> Eventually<T>(Func<Task<T>> attempt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Silos and clients of one fresh cluster on the test database, each on free loopback ports; all stopped at the end.</summary>
    private sealed class PostgresCluster(string connectionString, ITestOutputHelper output) : IAsyncDisposable
    {
        private readonly List<IHost> _clients = [];
        private readonly List<RunningSilo> _silos = [];

        public string ClusterId { get; } = $"cluster-{Guid.NewGuid():N}";

        public string ServiceId { get; } = $"service-{Guid.NewGuid():N}";

        public async Task<RunningSilo> StartSiloAsync()
        {
            var siloPort = FreePort();
            var gatewayPort = FreePort();
            var name = $"silo-{_silos.Count}-{siloPort}";
            var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(logging => logging.ClearProviders().AddProvider(new TestOutputLoggerProvider(output, name)))
                .UseOrleans(silo =>
                {
                    silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
                    silo.Configure<SiloOptions>(o => o.SiloName = name);
                    silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
                    silo.UseAdoNetClustering(o =>
                    {
                        o.Invariant = PostgresSchema.Invariant;
                        o.ConnectionString = connectionString;
                    });
                    silo.AddAdoNetGrainStorage(StorageName, o =>
                    {
                        o.Invariant = PostgresSchema.Invariant;
                        o.ConnectionString = connectionString;
                    });
                    silo.AddAdoNetGrainStorage(DeletingStorageName, o =>
                    {
                        o.Invariant = PostgresSchema.Invariant;
                        o.ConnectionString = connectionString;
                        o.DeleteStateOnClear = true;
                    });
                })
                .Build();
            var running = new RunningSilo(host, name, siloPort);
            _silos.Add(running);
            await host.StartAsync();
            return running;
        }

        public async Task<IClusterClient> StartClientAsync()
        {
            var host = Host.CreateDefaultBuilder()
                .ConfigureLogging(logging => logging.ClearProviders().AddProvider(new TestOutputLoggerProvider(output, "client")))
                .UseOrleansClient(client =>
                {
                    client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
                    client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = PostgresSchema.Invariant;
                        o.ConnectionString = connectionString;
                    });
                })
                .Build();
            _clients.Add(host);
            await host.StartAsync();
            return host.Services.GetRequiredService<IClusterClient>();
        }

        public async Task StopSiloAsync(RunningSilo silo)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await silo.Host.StopAsync(timeout.Token);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in _clients.Concat(_silos.Select(s => s.Host)).Reverse())
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await host.StopAsync(timeout.Token);
                }
                catch (Exception e)
                {
                    output.WriteLine($"stopping a host failed: {e.Message}");
                }
                host.Dispose();
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    /// <summary>A started silo: its host, its name (<c>SiloOptions.SiloName</c>) and its silo-to-silo port.</summary>
    private sealed record RunningSilo(IHost Host, string Name, int SiloPort)
    {
        public IServiceProvider Services => Host.Services;

        /// <summary>The silo's address as <see cref="Grain.RuntimeIdentity"/> shows it.</summary>
        public string Address => Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
    }

    /// <summary>Warnings and errors of the hosts into the test's output (dropped once the test is over).</summary>
    private sealed class TestOutputLoggerProvider(ITestOutputHelper output, string source) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(output, source, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ITestOutputHelper output, string source, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                try
                {
                    output.WriteLine($"[{source}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
                }
                catch (InvalidOperationException)
                {
                    // The test is over.
                }
            }
        }
    }
}
