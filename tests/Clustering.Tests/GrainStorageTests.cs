using System.Collections.Immutable;
using System.Text.Json;
using Game.Runtime;
using Npgsql;

namespace Game.Clustering.Tests;

public sealed class GrainStorageTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    public sealed record Position(double X, double Y);

    public sealed record RoomCheckpoint(string Name, int Tick, ImmutableArray<string> Players, Position Spawn, DateTimeOffset SavedAt);

    private static GrainId NewGrain() => new("room", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_record_with_an_immutable_array_round_trips_and_is_stored_as_camel_case_json()
    {
        var storage = postgres.NewStorage();
        var grain = NewGrain();
        var state = new RoomCheckpoint("arena", 120, ["ann", "bob"], new Position(1.5, -2), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));

        await storage.WriteAsync(grain, state, None);
        var read = await postgres.NewStorage().ReadAsync<RoomCheckpoint>(grain, None); // another process

        Assert.NotNull(read);
        Assert.Equal(["ann", "bob"], read.Players.ToArray());
        Assert.Equal(state with { Players = read.Players }, read);

        await using var connection = await postgres.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT state->'players'->>1 FROM grain_storage WHERE grain_id = $1", connection);
        query.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grain.ToString() });
        Assert.Equal("bob", await query.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_write_replaces_the_previous_state_and_clear_removes_it()
    {
        var storage = postgres.NewStorage();
        var grain = NewGrain();
        await storage.WriteAsync(grain, new RoomCheckpoint("a", 1, ["x", "y", "z"], new Position(0, 0), DateTimeOffset.UnixEpoch), None);
        await storage.WriteAsync(grain, new RoomCheckpoint("b", 2, [], new Position(3, 4), DateTimeOffset.UnixEpoch), None);

        var read = await storage.ReadAsync<RoomCheckpoint>(grain, None);
        Assert.NotNull(read);
        Assert.Equal(("b", 2, 0, new Position(3, 4)), (read.Name, read.Tick, read.Players.Length, read.Spawn));

        await storage.ClearAsync(grain, None);
        Assert.Null(await storage.ReadAsync<RoomCheckpoint>(grain, None));
        await storage.ClearAsync(grain, None); // nothing stored: no-op
    }

    [Fact]
    public async Task Reading_a_grain_never_written_gives_default_and_a_mismatched_type_throws_JsonException()
    {
        var storage = postgres.NewStorage();
        Assert.Null(await storage.ReadAsync<RoomCheckpoint>(NewGrain(), None));
        Assert.Equal(0, await storage.ReadAsync<int>(NewGrain(), None));

        var grain = NewGrain();
        await storage.WriteAsync(grain, new[] { 1, 2, 3 }, None);
        await Assert.ThrowsAsync<JsonException>(() => storage.ReadAsync<RoomCheckpoint>(grain, None));
    }
}
