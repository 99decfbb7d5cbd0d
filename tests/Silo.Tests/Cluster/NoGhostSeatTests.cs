using System.Text.Json;
using Game.Gateway.Tests;
using Game.Grains.Interfaces;
using Game.Silo.Tests.Postgres;
using Game.Tests.Shared;
using Npgsql;
using Orleans;

namespace Game.Silo.Tests.Cluster;

/// <summary>A seat exists only while its player holds it: a join that fails leaves no seat behind, and a room resumed from an old checkpoint frees the seats of players who left (issue: ghost seats).</summary>
public sealed class NoGhostSeatTests(PostgresDatabase postgres) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_join_answered_unavailable_during_a_storage_outage_leaves_no_seat()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var cluster = await GameTestCluster.StartAsync(database, silos: 1, gateways: 1);
        await using var ada = await cluster.ConnectAsync(0, "Ada");
        await ada.HelloAsync("Ada");
        await using var bob = await cluster.ConnectAsync(0, "Bob");
        await bob.HelloAsync("Bob");
        var room = $"ghost-{Guid.NewGuid():N}"[..20];
        await bob.JoinAsync(room); // the room is up and playing before the outage

        // The outage: grain state cannot be written (its table is gone for a moment).
        await ExecuteAsync(database, "ALTER TABLE orleans_grain_state RENAME TO orleans_grain_state_away");
        try
        {
            await ada.SendAsync(new { type = "join", room });
            var reply = await ada.WaitForAsync(m => TestClient.TypeOf(m) is "joined" or "error", "an answer to the join", TimeSpan.FromSeconds(20));
            Assert.Equal("error", TestClient.TypeOf(reply));
            Assert.Equal("unavailable", reply.GetProperty("code").GetString());
        }
        finally
        {
            await ExecuteAsync(database, "ALTER TABLE orleans_grain_state_away RENAME TO orleans_grain_state");
        }

        // The room took Ada's seat, but her session could not record it: the seat was given back.
        Assert.Equal(1, (await cluster.Client.GetGrain<IRoomGrain>(room).Describe()).Players);
        var lobby = await cluster.Client.GetGrain<ILobbyGrain>(ILobbyGrain.Key).List();
        Assert.Equal(1, lobby.Single(r => r.Id == room).Players);

        // Once storage is back the same join works.
        await ada.JoinAsync(room);
    }

    /// <summary>
    /// A frozen or killed silo's room resumes elsewhere from its last checkpoint, which may still seat a player who left
    /// while the room could not hear it (the leave went to the dead silo). Made here without timing luck: the room's
    /// stored state is put back to a checkpoint from before Bob left, with its silo killed so nothing overwrites it.
    /// The resumed room asks each seat's player and frees Bob's seat; Ada keeps hers and her socket.
    /// </summary>
    [Fact]
    public async Task A_room_resumed_from_a_checkpoint_older_than_a_leave_frees_the_seat_of_the_player_who_left()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var cluster = await GameTestCluster.StartAsync(database, silos: 2, gateways: 1);
        var room = $"gone-{Guid.NewGuid():N}"[..20];
        await using var ada = await cluster.ConnectAsync(0, "Ada");
        await ada.HelloAsync("Ada");
        await ada.JoinAsync(room);
        await using var bob = await cluster.ConnectAsync(0, "Bob");
        await bob.HelloAsync("Bob");
        await bob.JoinAsync(room); // the room writes its state on every join: it now seats both
        var roomRow = $"state_name = 'room' AND grain_key_string LIKE '%{room}%'";
        await ExecuteAsync(database, $"CREATE TABLE seats_before AS SELECT payload FROM orleans_grain_state WHERE {roomRow}");

        await bob.SendAsync(new { type = "leave" });
        await Eventually.Until(async () => (await cluster.Client.GetGrain<IRoomGrain>(room).Describe()).Players == 1, Eventually.Deadline, "Bob's leave");
        var silo = (await cluster.LocateRoomAsync(room))!;
        await cluster.Orleans.KillSiloAsync(cluster.SiloAt(silo));
        await ExecuteAsync(database, $"UPDATE orleans_grain_state SET payload = (SELECT payload FROM seats_before) WHERE {roomRow}");

        // The room resumes on the other silo (the gateway's room keeper calls it) with both seats, then frees Bob's.
        var ticks = ada.LastMapTick;
        await ada.WaitForMapAfterAsync(ticks + 5, TimeSpan.FromSeconds(30));
        await Eventually.Until(async () => (await cluster.Client.GetGrain<IRoomGrain>(room).Describe()).Players == 1, Eventually.Deadline, "Bob's seat freed");
        var map = await ada.WaitForMapAfterAsync(ada.LastMapTick);
        Assert.True(map.GetProperty("player").TryGetProperty(ada.Id!, out _), "Ada is still seated");
        Assert.False(map.GetProperty("player").TryGetProperty(bob.Id!, out _), "Bob's ghost seat is gone");
        Assert.Null(ada.CloseStatus);
    }

    /// <summary>
    /// A room whose last player left ends: it leaves the lobby and clears its stored state, so the same id used again
    /// makes a fresh room: the newcomer is its host, and the old password no longer applies.
    /// </summary>
    [Fact]
    public async Task A_room_id_used_again_after_the_room_emptied_makes_a_fresh_room()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var cluster = await GameTestCluster.StartAsync(database, silos: 1, gateways: 1);
        var room = $"again-{Guid.NewGuid():N}"[..20];
        await using var ada = await cluster.ConnectAsync(0, "Ada");
        await ada.HelloAsync("Ada");
        await ada.JoinAsync(room, password: "first-secret");
        await ada.SendAsync(new { type = "leave" });
        await Eventually.Until(async () => (await cluster.Client.GetGrain<ILobbyGrain>(ILobbyGrain.Key).List()).All(r => r.Id != room), Eventually.Deadline, "the room to leave the lobby");
        var roomRow = $"state_name = 'room' AND grain_key_string LIKE '%{room}%' AND payload IS NOT NULL AND NOT deleted";
        Assert.Equal(0L, await ExecuteAsync(database, $"SELECT count(*) FROM orleans_grain_state WHERE {roomRow}"));

        await using var bob = await cluster.ConnectAsync(0, "Bob");
        await bob.HelloAsync("Bob");
        var joined = await bob.JoinAsync(room); // no password: the old one went with the old room
        Assert.Equal(bob.Id, joined.GetProperty("host").GetString());
        Assert.Single(joined.GetProperty("players").EnumerateObject());
    }

    /// <summary>Runs <paramref name="sql"/> on the test database; returns the first column of the first row, if any.</summary>
    private static async Task<object?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
