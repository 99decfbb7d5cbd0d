using System.Threading.Channels;
using Game.Runtime.Clustering.Postgres;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Game.Clustering.Tests;

public sealed class MembershipTableTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task An_inserted_silo_is_read_back_and_the_version_moves_by_one()
    {
        var table = postgres.NewMembershipTable();
        var before = await table.ReadAllAsync(None);
        var entry = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining) with { Load = new SiloLoad(3, 12.5, 61.5) };

        Assert.True(await table.TryInsertAsync(entry, before.Version, None));

        var after = await table.ReadAllAsync(None);
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(entry, Assert.Single(after.Entries, e => e.Silo == entry.Silo));
    }

    [Fact]
    public async Task Inserting_with_a_stale_version_or_an_existing_address_returns_false_and_changes_nothing()
    {
        var table = postgres.NewMembershipTable();
        var snapshot = await table.ReadAllAsync(None);
        var first = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
        Assert.True(await table.TryInsertAsync(first, snapshot.Version, None));

        var stale = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
        Assert.False(await table.TryInsertAsync(stale, snapshot.Version, None));
        var current = await table.ReadAllAsync(None);
        Assert.False(await table.TryInsertAsync(first with { Name = "again" }, current.Version, None));

        var after = await table.ReadAllAsync(None);
        Assert.Equal(current.Version, after.Version);
        Assert.DoesNotContain(after.Entries, e => e.Silo == stale.Silo);
        Assert.Equal(first.Name, Assert.Single(after.Entries, e => e.Silo == first.Silo).Name);
    }

    [Fact]
    public async Task Of_two_processes_writing_at_the_same_version_exactly_one_wins_every_time()
    {
        var a = postgres.NewMembershipTable();
        var b = postgres.NewMembershipTable();
        for (var round = 0; round < 20; round++)
        {
            var version = (await a.ReadAllAsync(None)).Version;
            var entryA = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
            var entryB = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
            var results = await Task.WhenAll(
                Task.Run(() => a.TryInsertAsync(entryA, version, None)),
                Task.Run(() => b.TryInsertAsync(entryB, version, None)));

            Assert.Equal(1, results.Count(won => won));
            var after = await b.ReadAllAsync(None);
            Assert.Equal(version + 1, after.Version);
            Assert.Equal(1, after.Entries.Count(e => e.Silo == entryA.Silo || e.Silo == entryB.Silo));
        }

        // The same for updates: both declare the same silo's status at one version.
        var silo = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Active);
        await TestSilos.PutAsync(a, silo);
        for (var round = 0; round < 10; round++)
        {
            var version = (await a.ReadAllAsync(None)).Version;
            var results = await Task.WhenAll(
                Task.Run(() => a.TryUpdateAsync(silo with { Status = SiloStatus.ShuttingDown }, version, None)),
                Task.Run(() => b.TryUpdateAsync(silo with { Status = SiloStatus.Dead }, version, None)));
            Assert.Equal(1, results.Count(won => won));
            Assert.Equal(version + 1, (await b.ReadAllAsync(None)).Version);
        }
    }

    [Fact]
    public async Task An_update_replaces_the_row_only_at_the_current_version_and_only_if_the_row_exists()
    {
        var table = postgres.NewMembershipTable();
        var entry = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
        await TestSilos.PutAsync(table, entry);
        var snapshot = await table.ReadAllAsync(None);

        var active = entry with { Status = SiloStatus.Active, IAmAliveTime = entry.IAmAliveTime.AddSeconds(5) };
        Assert.False(await table.TryUpdateAsync(active, snapshot.Version - 1, None));
        Assert.False(await table.TryUpdateAsync(TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Active), snapshot.Version, None));
        Assert.Equal(snapshot.Version, (await table.ReadAllAsync(None)).Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single((await table.ReadAllAsync(None)).Entries, e => e.Silo == entry.Silo).Status);

        Assert.True(await table.TryUpdateAsync(active, snapshot.Version, None));
        var after = await table.ReadAllAsync(None);
        Assert.Equal(snapshot.Version + 1, after.Version);
        Assert.Equal(active, Assert.Single(after.Entries, e => e.Silo == entry.Silo));
    }

    [Fact]
    public async Task A_heartbeat_records_time_and_load_without_moving_the_version()
    {
        var table = postgres.NewMembershipTable();
        var entry = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Active);
        await TestSilos.PutAsync(table, entry);
        var before = await table.ReadAllAsync(None);

        var alive = entry.IAmAliveTime.AddSeconds(7);
        await table.UpdateIAmAliveAsync(entry.Silo, alive, new SiloLoad(42, 3.25, 137.5), None);
        await table.UpdateIAmAliveAsync(TestSilos.NewAddress(), alive, SiloLoad.None, None); // unknown silo: no-op

        var after = await table.ReadAllAsync(None);
        Assert.Equal(before.Version, after.Version);
        var row = Assert.Single(after.Entries, e => e.Silo == entry.Silo);
        Assert.Equal(entry with { IAmAliveTime = alive, Load = new SiloLoad(42, 3.25, 137.5) }, row);
        Assert.Equal(before.Entries.Length, after.Entries.Length);
    }

    [Fact]
    public async Task Watch_reports_a_change_made_by_another_process_and_returns_when_cancelled()
    {
        var watcher = postgres.NewMembershipTable(new PostgresClusteringOptions { NotifyOnHeartbeat = true });
        var writer = postgres.NewMembershipTable();
        var calls = Channel.CreateUnbounded<int>();
        using var stop = new CancellationTokenSource();
        var count = 0;
        var watch = watcher.WatchAsync(_ => calls.Writer.WriteAsync(Interlocked.Increment(ref count)).AsTask(), stop.Token);

        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "the watch's first call once it listens");

        var entry = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
        Assert.True(await writer.TryInsertAsync(entry, (await writer.ReadAllAsync(None)).Version, None));
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "a watch call after another process inserted a silo");

        Assert.True(await writer.TryUpdateAsync(entry with { Status = SiloStatus.Active }, (await writer.ReadAllAsync(None)).Version, None));
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "a watch call after another process changed a silo's status");

        await writer.UpdateIAmAliveAsync(entry.Silo, entry.IAmAliveTime.AddSeconds(1), new SiloLoad(1, 1), None);
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "a watch call after another process's heartbeat (NotifyOnHeartbeat)");

        stop.Cancel();
        await Eventually.Within(watch, "WatchAsync returning after cancellation");
    }

    [Fact]
    public async Task Watch_reconnects_after_its_connection_is_killed_and_still_reports_changes()
    {
        const string application = "watch-reconnect-test";
        var watcherProcess = postgres.NewProcess(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { ApplicationName = application }.ConnectionString);
        var watcher = postgres.NewMembershipTable(new PostgresClusteringOptions { WatchReconnectDelay = TimeSpan.FromMilliseconds(50) }, watcherProcess);
        var writer = postgres.NewMembershipTable();
        var calls = Channel.CreateUnbounded<int>();
        using var stop = new CancellationTokenSource();
        var watch = watcher.WatchAsync(_ => calls.Writer.WriteAsync(0).AsTask(), stop.Token);
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "the watch's first call once it listens");

        await using (var admin = await postgres.OpenAsync())
        {
            await using var kill = new NpgsqlCommand("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = $1 AND query LIKE 'LISTEN %'
                """, admin);
            kill.Parameters.Add(new NpgsqlParameter<string> { TypedValue = application });
            Assert.Equal(1L, (long)(await kill.ExecuteScalarAsync())!);
        }
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "the watch's call after reconnecting");

        var entry = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
        Assert.True(await writer.TryInsertAsync(entry, (await writer.ReadAllAsync(None)).Version, None));
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "a watch call after a change made once reconnected");

        stop.Cancel();
        await Eventually.Within(watch, "WatchAsync returning after cancellation");
    }

    [Fact]
    public async Task Watch_pings_its_idle_connection_and_keeps_listening_on_it()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var watcher = postgres.NewMembershipTable(new PostgresClusteringOptions { WatchPingInterval = TimeSpan.FromMilliseconds(20) },
            postgres.NewProcess(loggerFactory: loggerFactory), loggerFactory.CreateLogger<PostgresMembershipTable>());
        var writer = postgres.NewMembershipTable();
        var calls = Channel.CreateUnbounded<int>();
        using var stop = new CancellationTokenSource();
        var watch = watcher.WatchAsync(_ => calls.Writer.WriteAsync(0).AsTask(), stop.Token);
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "the watch's first call once it listens");

        await Eventually.Within(logs.WaitForAsync(e => e.Text.Contains("SELECT 1", StringComparison.Ordinal), count: 3),
            "three pings of the idle watch connection");
        var entry = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
        Assert.True(await writer.TryInsertAsync(entry, (await writer.ReadAllAsync(None)).Version, None));
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "a watch call after a change made between pings");

        stop.Cancel();
        await Eventually.Within(watch, "WatchAsync returning after cancellation");
        Assert.Single(logs.Entries, e => e.Id == 3101); // listened once: the pings did not cost the connection
        Assert.DoesNotContain(logs.Entries, e => e.Id == 3102);
    }

    [Fact]
    public async Task A_throwing_change_handler_does_not_stop_the_watch()
    {
        var watcher = postgres.NewMembershipTable();
        var writer = postgres.NewMembershipTable();
        var calls = Channel.CreateUnbounded<int>();
        using var stop = new CancellationTokenSource();
        var watch = watcher.WatchAsync(async _ =>
        {
            await calls.Writer.WriteAsync(0);
            throw new InvalidOperationException("handler failure");
        }, stop.Token);
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "the watch's first call once it listens");

        var entry = TestSilos.Entry(TestSilos.NewAddress(), SiloStatus.Joining);
        Assert.True(await writer.TryInsertAsync(entry, (await writer.ReadAllAsync(None)).Version, None));
        await Eventually.Within(calls.Reader.ReadAsync().AsTask(), "a watch call after the previous call threw");

        stop.Cancel();
        await Eventually.Within(watch, "WatchAsync returning after cancellation");
    }
}
