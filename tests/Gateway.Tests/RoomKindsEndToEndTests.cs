using System.Text;
using System.Text.Json;

namespace Game.Gateway.Tests;

/// <summary>
/// Protocol v1.1 room kinds end to end (shared protocol.md v1.1): relay, board and pong rooms on the shipped app, real
/// WebSocket clients, the co-hosted silo with the real room grain hosting each kind.
/// </summary>
[Collection(RealGatewayCollection.Name)]
public sealed class RoomKindsEndToEndTests(RealGateway gateway)
{
    private static string? TypeOf(JsonElement m) => TestClient.TypeOf(m);

    private async Task<TestClient> WelcomedAsync(string name)
    {
        var client = await gateway.ConnectAsync(name);
        await client.HelloAsync(name);
        return client;
    }

    private static async Task<JsonElement> JoinKindAsync(TestClient client, string room, string kind, int? max = null)
    {
        await client.SendAsync(max is null ? new { type = "join", room, kind } : (object)new { type = "join", room, kind, max });
        var reply = await client.WaitForAsync(m => TypeOf(m) is "joined" or "error", $"joined for {kind} room {room}");
        Assert.True(TypeOf(reply) == "joined", $"{client.Label}: {reply.GetRawText()}");
        return reply;
    }

    [Fact]
    public async Task A_relay_room_waits_until_full_and_passes_data_byte_for_byte_to_one_or_to_the_others()
    {
        var room = RealGateway.NewRoom("relay");
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        var joinedA = await JoinKindAsync(a, room, "relay", max: 2);
        Assert.Equal("relay", joinedA.GetProperty("kind").GetString());
        Assert.Equal(2, joinedA.GetProperty("max").GetInt32());
        Assert.True(joinedA.GetProperty("waiting").GetBoolean());
        Assert.False(joinedA.TryGetProperty("tick", out _)); // no tick, no world for a kind that does not tick
        Assert.False(joinedA.TryGetProperty("world", out _));

        var joinedB = await JoinKindAsync(b, room, "relay");
        Assert.False(joinedB.GetProperty("waiting").GetBoolean());
        var seen = await a.WaitForAsync(m => TypeOf(m) == "player_joined" && m.GetProperty("id").GetString() == b.Id, "player_joined for Bob");
        Assert.False(seen.GetProperty("waiting").GetBoolean());

        const string data = "{\"sdp\":\"v=0\\r\\no=- 1\",\"n\":[1e3, -0.5,true,null],\"u\":\"\\u00e9\"}";
        await a.SendTextAsync($"{{\"type\":\"relay\",\"to\":\"{b.Id}\",\"data\":{data}}}");
        var relayed = await b.WaitForAsync(m => TypeOf(m) == "relay", "the relayed message");
        Assert.Equal(a.Id, relayed.GetProperty("from").GetString());
        Assert.Equal(data, relayed.GetProperty("data").GetRawText());

        await a.SendAsync(new { type = "relay", to = "nobody", data = 1 });
        await a.ExpectErrorAsync("unknown_player");
        await a.SendAsync(new { type = "draw", points = new[] { new[] { 1, 1 }, new[] { 2, 2 } }, color = new[] { 1, 2, 3 }, width = 2 });
        await a.ExpectErrorAsync("wrong_kind");
    }

    [Fact]
    public async Task A_relay_message_larger_than_the_resident_receive_buffer_arrives_whole()
    {
        // The gateway keeps 512 bytes per connection for receiving and rents a larger buffer for a longer message; the
        // bytes read before and after that switch must both arrive (docs/performance.md, "Memory per player").
        var room = RealGateway.NewRoom("relay");
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        await JoinKindAsync(a, room, "relay", max: 2);
        await JoinKindAsync(b, room, "relay");

        var data = "\"" + string.Concat(Enumerable.Range(0, 400).Select(i => (i % 10).ToString())) + new string('z', 1500) + "\""; // relay data: at most 2 KiB (shared protocol.md v1.1)
        var message = $"{{\"type\":\"relay\",\"to\":\"{b.Id}\",\"data\":{data}}}";
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(message), 1900, 2100);
        await a.SendTextAsync(message);
        var relayed = await b.WaitForAsync(m => TypeOf(m) == "relay", "the relayed message");
        Assert.Equal(data, relayed.GetProperty("data").GetRawText());

        // And the connection reads on with its small buffer.
        await a.SendAsync(new { type = "relay", to = b.Id, data = 7 });
        Assert.Equal(7, (await b.WaitForAsync(m => TypeOf(m) == "relay", "the second relayed message")).GetProperty("data").GetInt32());
    }

    [Fact]
    public async Task A_board_sends_strokes_to_everyone_keeps_them_for_late_joiners_and_only_the_host_clears()
    {
        var room = RealGateway.NewRoom("board");
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        var joined = await JoinKindAsync(a, room, "board");
        Assert.Equal(16, joined.GetProperty("max").GetInt32());
        await JoinKindAsync(b, room, "board");

        await b.SendAsync(new { type = "draw", points = new[] { new[] { 10, 20 }, new[] { 30, 40 } }, color = new[] { 255, 0, 0 }, width = 4 });
        foreach (var c in new[] { a, b })
        {
            var draw = await c.WaitForAsync(m => TypeOf(m) == "draw", "the stroke");
            Assert.Equal(b.Id, draw.GetProperty("from").GetString());
            Assert.Equal(1, draw.GetProperty("id").GetInt64());
        }

        await using var late = await WelcomedAsync("Cy");
        var history = await JoinKindAsync(late, room, "board");
        Assert.Equal(1, history.GetProperty("strokes").GetArrayLength());

        await b.SendAsync(new { type = "clear" });
        await b.ExpectErrorAsync("not_host");
        await a.SendAsync(new { type = "clear" });
        var cleared = await late.WaitForAsync(m => TypeOf(m) == "clear", "clear");
        Assert.Equal(a.Id, cleared.GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_pong_room_ticks_at_30_Hz_with_its_own_map_and_refuses_what_does_not_apply()
    {
        var room = RealGateway.NewRoom("pong");
        await using var a = await WelcomedAsync("Ada");
        await using var b = await WelcomedAsync("Bob");
        var joined = await JoinKindAsync(a, room, "pong");
        Assert.Equal(30, joined.GetProperty("tick").GetInt32());
        Assert.Equal([800, 500], joined.GetProperty("world").EnumerateArray().Select(e => e.GetInt32()));
        var waiting = await a.WaitForAsync(m => TypeOf(m) == "map", "a pong map");
        Assert.Equal("waiting", waiting.GetProperty("state").GetString());

        await JoinKindAsync(b, room, "pong");
        var playing = await a.WaitForAsync(m => TypeOf(m) == "map" && m.GetProperty("state").GetString() == "playing", "a map of a match being played");
        Assert.Equal(4, playing.GetProperty("ball").GetArrayLength());
        Assert.Equal(6, playing.GetProperty("player").GetProperty(a.Id!).GetArrayLength());

        await a.SendAsync(new { type = "input", seq = 1, time = 0, input = new[] { 0, 1 } });
        await a.WaitForAsync(m => TypeOf(m) == "map" && m.GetProperty("player").GetProperty(a.Id!)[5].GetInt64() == 1, "the input acknowledged");

        await a.SendAsync(new { type = "relay", data = 1 });
        await a.ExpectErrorAsync("wrong_kind");
        await using var c = await WelcomedAsync("Cy");
        await c.SendAsync(new { type = "join", room, kind = "arena" });
        await c.ExpectErrorAsync("wrong_kind");
        await c.SendAsync(new { type = "join", room = RealGateway.NewRoom("pong3"), kind = "pong", max = 3 });
        await c.ExpectErrorAsync("bad_request");
        await c.SendAsync(new { type = "join", room = RealGateway.NewRoom("nokind"), kind = "chess" });
        await c.ExpectErrorAsync("bad_request");
    }
}
