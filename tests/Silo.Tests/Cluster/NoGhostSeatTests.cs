using System.Text.Json;
using Game.Gateway.Tests;
using Game.Grains.Interfaces;
using Game.Silo.Tests.Postgres;
using Npgsql;
using Orleans;

namespace Game.Silo.Tests.Cluster;

/// <summary>A seat exists only while its player holds it: a join that fails leaves no seat behind (issue: ghost seats).</summary>
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

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
