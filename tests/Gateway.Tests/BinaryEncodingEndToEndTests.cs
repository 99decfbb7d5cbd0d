using System.Net.WebSockets;
using System.Text.Json;

namespace Game.Gateway.Tests;

/// <summary>
/// The binary encoding (docs/protocol-binary.md) through the shipped app: real sockets, real grains. Binary and JSON
/// clients share rooms; every wait fails saying what did not arrive, and every binary client checks that no map came
/// before its roster.
/// </summary>
[Collection(RealGatewayCollection.Name)]
public sealed class BinaryEncodingEndToEndTests(RealGateway gateway)
{
    private static string? TypeOf(JsonElement m) => TestClient.TypeOf(m);

    private static bool IsMapWith(JsonElement m, string playerId)
        => TypeOf(m) == "map" && m.GetProperty("player").TryGetProperty(playerId, out _);

    private static JsonElement StateOf(JsonElement map, string playerId) => map.GetProperty("player").GetProperty(playerId);

    private async Task<TestClient> WelcomedAsync(string name, string? encoding)
    {
        var client = await gateway.ConnectAsync(name);
        var welcome = await client.HelloAsync(name, encoding: encoding);
        Assert.Equal(encoding ?? "json", welcome.GetProperty("encoding").GetString());
        return client;
    }

    private static void AssertNoViolations(TestClient client)
        => Assert.True(client.Violations.Count == 0, $"{client.Label} broke the binary client rules: {string.Join("; ", client.Violations)}");

    [Fact]
    public async Task A_binary_and_a_json_client_in_one_room_see_each_other_move_with_the_same_numbers()
    {
        var room = RealGateway.NewRoom("mixed");
        await using var bin = await WelcomedAsync("Bin", "binary");
        await using var txt = await WelcomedAsync("Txt", null);
        await bin.JoinAsync(room);
        await txt.JoinAsync(room);

        // Where each sees the other now.
        var binStart = StateOf(await txt.WaitForAsync(m => IsMapWith(m, bin.Id!), "a JSON map with the binary player"), bin.Id!)[0].GetDouble();
        var txtStart = StateOf(await bin.WaitForAsync(m => IsMapWith(m, txt.Id!), "a binary map with the JSON player"), txt.Id!)[0].GetDouble();
        var binDir = binStart > 500 ? -1f : 1f;
        var txtDir = txtStart > 500 ? -1 : 1;

        // The binary player moves with binary inputs, the JSON player with JSON inputs.
        for (var seq = 1; seq <= 3; seq++)
        {
            await bin.SendBinaryInputAsync(seq, seq * 50.5, binDir, 0);
            await txt.SendAsync(new { type = "input", seq, time = seq * 50, input = new[] { txtDir, 0 } });
        }

        var seenByTxt = await txt.WaitForAsync(m => IsMapWith(m, bin.Id!) && (StateOf(m, bin.Id!)[0].GetDouble() - binStart) * binDir > 5,
            $"a JSON map in which the binary player moved from x={binStart}");
        Assert.InRange(StateOf(seenByTxt, bin.Id!)[5].GetInt64(), 1, 3);
        var seenByBin = await bin.WaitForAsync(m => IsMapWith(m, txt.Id!) && (StateOf(m, txt.Id!)[0].GetDouble() - txtStart) * txtDir > 5,
            $"a binary map in which the JSON player moved from x={txtStart}");
        Assert.InRange(StateOf(seenByBin, txt.Id!)[5].GetInt64(), 1, 3);
        await bin.WaitForAsync(m => IsMapWith(m, bin.Id!) && StateOf(m, bin.Id!)[5].GetInt64() == 3, "a binary map acknowledging the binary player's input 3");

        // A tick both got: the two encodings carry the very same numbers.
        await txt.WaitForMapAfterAsync(bin.LastMapTick);
        await bin.WaitForMapAfterAsync(txt.LastMapTick - 1);
        var newest = Math.Min(bin.LastMapTick, txt.LastMapTick);
        var tick = Enumerable.Range(0, 100).Select(i => newest - i).FirstOrDefault(t => bin.MapOfTick(t) is not null && txt.MapOfTick(t) is not null);
        var fromBin = bin.MapOfTick(tick);
        var fromTxt = txt.MapOfTick(tick);
        Assert.True(fromBin is not null && fromTxt is not null, $"the two clients have no map of the same tick among the 100 up to {newest}");
        foreach (var id in new[] { bin.Id!, txt.Id! })
        {
            Assert.Equal(StateOf(fromTxt!.Value, id).EnumerateArray().Select(e => e.GetDouble()), StateOf(fromBin!.Value, id).EnumerateArray().Select(e => e.GetDouble()));
        }
        Assert.Equal(fromTxt!.Value.GetProperty("time").GetInt64(), fromBin!.Value.GetProperty("time").GetInt64());

        // Each got maps only in its own encoding; events stayed JSON for both.
        Assert.Equal(0, bin.TextMaps);
        Assert.Equal(0, txt.BinaryFrames);
        Assert.True(bin.Rosters >= 1, "the binary client got a roster");
        AssertNoViolations(bin);
    }

    [Fact]
    public async Task A_binary_client_gets_a_new_roster_when_players_join_and_leave_and_may_still_send_json_input()
    {
        var room = RealGateway.NewRoom("roster");
        await using var bin = await WelcomedAsync("Bin", "binary");
        await bin.JoinAsync(room);
        var alone = await bin.WaitForTypeAsync("roster");
        Assert.Equal([bin.Id!], alone.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));

        await using var other = await WelcomedAsync("Other", null);
        await other.JoinAsync(room);
        await bin.WaitForAsync(m => TypeOf(m) == "player_joined" && m.GetProperty("id").GetString() == other.Id, "player_joined (a JSON text frame)");
        var two = await bin.WaitForTypeAsync("roster");
        Assert.Equal(new[] { bin.Id!, other.Id! }.Order(), two.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).Order());
        await bin.WaitForAsync(m => IsMapWith(m, other.Id!), "a binary map with the other player");

        // JSON input from a binary client is accepted too.
        await bin.SendAsync(new { type = "input", seq = 7, time = 1, input = new[] { 0, 1 } });
        await bin.WaitForAsync(m => IsMapWith(m, bin.Id!) && StateOf(m, bin.Id!)[5].GetInt64() == 7, "a map acknowledging the JSON input 7");

        await other.SendAsync(new { type = "leave" });
        var one = await bin.WaitForTypeAsync("roster");
        Assert.Equal([bin.Id!], one.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEqual(two.GetProperty("version").GetInt32(), one.GetProperty("version").GetInt32());
        await bin.WaitForAsync(m => TypeOf(m) == "map" && !m.GetProperty("player").TryGetProperty(other.Id!, out _), "a map without the player who left");

        // Joining the same room again answers joined again, after which the client holds no roster: one must come first.
        var rostersBefore = bin.Rosters;
        await bin.JoinAsync(room);
        var map = await bin.WaitForMapAfterAsync(bin.LastMapTick);
        Assert.True(bin.Rosters > rostersBefore, "a roster was sent again after the repeated joined");
        Assert.True(map.GetProperty("player").TryGetProperty(bin.Id!, out _));
        AssertNoViolations(bin);
    }

    public static TheoryData<string, string> BadBinaryFrames => new()
    {
        { "", "an empty frame" },
        { "05", "an unknown tag" },
        { "01 01 0000000000000000 01 00", "a map sent by the client" },
        { "81 01 0000000000408F40 0000803F 00000000", "an input without flags" },
        { "81 01 0000000000408F40 0000803F 00000000 00 00", "an input with a trailing byte" },
        { "81 01 000000000000F87F 0000803F 00000000 00", "an input with time NaN" },
        { "81 01 0000000000408F40 00000040 00000000 00", "an input with vx = 2" },
        { "81 01 0000000000408F40 0000803F 00000000 04", "an input with a reserved flag" },
        { "81 8100 0000000000408F40 0000803F 00000000 00", "an input with a non-minimal seq" },
        { "7B2274797065223A2274696D65222C2274223A317D", "JSON text sent in a binary frame" },
    };

    [Theory]
    [MemberData(nameof(BadBinaryFrames))]
    public async Task Bad_binary_frames_get_bad_request_and_the_room_keeps_ticking(string hex, string what)
    {
        var room = RealGateway.NewRoom("badbin");
        await using var a = await WelcomedAsync("Ada", "binary");
        await a.JoinAsync(room);
        await a.WaitForTypeAsync("map");

        await a.SendBytesAsync(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), WebSocketMessageType.Binary);
        await a.ExpectErrorAsync("bad_request");
        var map = await a.WaitForMapAfterAsync(a.LastMapTick);
        Assert.True(map.GetProperty("player").TryGetProperty(a.Id!, out var me), $"still seated after {what}");
        Assert.Equal(0, me[5].GetInt64()); // nothing reached the room

        // The connection still works: a valid binary input is applied.
        await a.SendBinaryInputAsync(1, 1, 0.5f, 0.5f);
        await a.WaitForAsync(m => IsMapWith(m, a.Id!) && StateOf(m, a.Id!)[5].GetInt64() == 1, $"a map acknowledging input 1 after {what}");
        AssertNoViolations(a);
    }

    [Fact]
    public async Task Binary_frames_on_a_json_connection_are_bad_requests_and_change_nothing()
    {
        var room = RealGateway.NewRoom("jsonbin");
        await using var a = await WelcomedAsync("Ada", "json");
        await a.JoinAsync(room);
        await a.WaitForTypeAsync("map");

        await a.SendBinaryInputAsync(1, 1, 1, 0);
        var error = await a.ExpectErrorAsync("bad_request");
        Assert.Contains("encoding", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var map = await a.WaitForMapAfterAsync(a.LastMapTick + 1);
        Assert.Equal(0, StateOf(map, a.Id!)[5].GetInt64());
        Assert.Equal(0, a.BinaryFrames);
    }

    [Fact]
    public async Task An_unknown_encoding_in_hello_is_a_bad_request_and_the_connection_can_say_hello_again()
    {
        await using var c = await gateway.ConnectAsync("enc");
        await c.SendAsync(new { type = "hello", name = "Ada", encoding = "protobuf" });
        var error = await c.ExpectErrorAsync("bad_request");
        Assert.Contains("encoding", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await c.SendBinaryInputAsync(1, 1, 0, 0); // not welcomed, not binary
        await c.ExpectErrorAsync("bad_request");
        var welcome = await c.HelloAsync("Ada", encoding: "binary");
        Assert.Equal("binary", welcome.GetProperty("encoding").GetString());
    }

    [Fact]
    public async Task Binary_inputs_share_the_60_per_second_limit()
    {
        var room = RealGateway.NewRoom("binrate");
        await using var a = await WelcomedAsync("Ada", "binary");
        await a.JoinAsync(room);
        for (var seq = 1; seq <= 200; seq++) await a.SendBinaryInputAsync(seq, seq, 0.5f, 0.5f);
        await a.ExpectErrorAsync("rate_limited");
        await a.RoundTripAsync(); // every input has been accepted or dropped by now

        var map = await a.WaitForMapAfterAsync(a.LastMapTick + 2);
        Assert.InRange(StateOf(map, a.Id!)[5].GetInt64(), 60, 199);
        AssertNoViolations(a);
    }

    [Fact]
    public async Task A_binary_frame_over_4_KiB_gets_too_large_and_close_1009()
    {
        await using var a = await WelcomedAsync("Ada", "binary");
        await a.SendBytesAsync(new byte[5000], WebSocketMessageType.Binary);
        await a.ExpectErrorAsync("too_large");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await a.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_resumed_binary_session_gets_its_seat_a_roster_and_binary_maps()
    {
        var room = RealGateway.NewRoom("binres");
        var first = await WelcomedAsync("Ada", "binary");
        await first.JoinAsync(room);
        await first.WaitForTypeAsync("map");
        var (id, token) = (first.Id!, first.Token!);
        await first.DisposeAsync();

        await using var second = await gateway.ConnectAsync("Ada again");
        var welcome = await second.HelloAsync("Ada", token, "binary");
        Assert.Equal(id, welcome.GetProperty("id").GetString());
        await second.WaitForTypeAsync("joined");
        await second.WaitForAsync(m => IsMapWith(m, id) && m.TryGetProperty("binary", out _), "a binary map with the resumed player");
        AssertNoViolations(second);
    }
}
