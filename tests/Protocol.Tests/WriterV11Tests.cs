using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol.Tests;

/// <summary>The server → client messages of shared protocol.md v1.1.</summary>
public class WriterV11Tests
{
    private readonly JsonMessageWriter _writer = new();

    private static string Text(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonElement Write(Action<ArrayBufferWriter<byte>> write)
    {
        using var doc = JsonDocument.Parse(Text(write));
        return doc.RootElement.Clone();
    }

    private static void AssertFields(JsonElement message, params string[] names)
        => Assert.Equal(names.Order(), message.EnumerateObject().Select(p => p.Name).Order());

    private static ImmutableDictionary<string, PlayerProfile> Players => ImmutableDictionary<string, PlayerProfile>.Empty
        .Add("p1", new PlayerProfile("Ada", new Rgb(255, 0, 10)))
        .Add("p2", new PlayerProfile("Bob", new Rgb(1, 2, 3)));

    // --- joined ---

    [Fact]
    public void Arena_joined_is_v1_plus_max_8()
    {
        var joined = new RoomJoined("r1", "arena", "p2", "p1", 20, 1000, 1000, Players);
        var text = Text(b => _writer.WriteJoined(b, joined));
        Assert.StartsWith("""{"type":"joined","room":"r1","kind":"arena","you":"p2","host":"p1","max":8,"tick":20,"world":[1000,1000],"players":{""", text);
        // The options overload with the arena's values writes the same bytes.
        Assert.Equal(text, Text(b => _writer.WriteJoined(b, joined, new JoinedOptions(8))));
    }

    [Fact]
    public void Relay_joined_has_max_and_waiting_but_no_tick_or_world()
    {
        var joined = new RoomJoined("g1", "relay", "p2", "p1", 0, 0, 0, Players);
        var m = Write(b => _writer.WriteJoined(b, joined, new JoinedOptions(4, Ticks: false, Waiting: true)));
        AssertFields(m, "type", "room", "kind", "you", "host", "max", "waiting", "players");
        Assert.Equal("joined", m.GetProperty("type").GetString());
        Assert.Equal("relay", m.GetProperty("kind").GetString());
        Assert.Equal(4, m.GetProperty("max").GetInt32());
        Assert.True(m.GetProperty("waiting").GetBoolean());
        AssertFields(m.GetProperty("players"), "p1", "p2");

        m = Write(b => _writer.WriteJoined(b, joined, new JoinedOptions(2, Ticks: false, Waiting: false)));
        Assert.False(m.GetProperty("waiting").GetBoolean());
    }

    [Fact]
    public void Pong_joined_ticks_at_30_in_800_by_500()
    {
        var joined = new RoomJoined("p", "pong", "p1", "p1", 30, 800, 500, Players.Remove("p2"));
        var m = Write(b => _writer.WriteJoined(b, joined, new JoinedOptions(2)));
        AssertFields(m, "type", "room", "kind", "you", "host", "max", "tick", "world", "players");
        Assert.Equal(2, m.GetProperty("max").GetInt32());
        Assert.Equal(30, m.GetProperty("tick").GetInt32());
        Assert.Equal([800, 500], m.GetProperty("world").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Board_joined_carries_the_strokes_oldest_first()
    {
        var joined = new RoomJoined("b", "board", "p2", "p1", 0, 0, 0, Players);
        BoardStroke[] strokes =
        [
            new("p1", 1, new float[] { 0, 0, 1000, 1000 }, new Rgb(1, 2, 3), 2),
            new("p2", 2, new float[] { 12.5f, 0.1f, 3, 4, 5, 6 }, new Rgb(255, 255, 0), 40),
        ];
        var m = Write(b => _writer.WriteJoined(b, joined, new JoinedOptions(16, Ticks: false, Strokes: strokes)));
        AssertFields(m, "type", "room", "kind", "you", "host", "max", "players", "strokes");
        Assert.Equal(16, m.GetProperty("max").GetInt32());
        var s = m.GetProperty("strokes").EnumerateArray().ToArray();
        Assert.Equal(2, s.Length);
        AssertFields(s[0], "from", "id", "points", "color", "width");
        Assert.Equal("p1", s[0].GetProperty("from").GetString());
        Assert.Equal(1, s[0].GetProperty("id").GetInt64());
        Assert.Equal(2, s[1].GetProperty("id").GetInt64());
        Assert.Equal([[12.5, 0.1], [3, 4], [5, 6]], s[1].GetProperty("points").EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetDouble()).ToArray()));
        Assert.Equal([255, 255, 0], s[1].GetProperty("color").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(40, s[1].GetProperty("width").GetDouble());

        var empty = Write(b => _writer.WriteJoined(b, joined, new JoinedOptions(16, Ticks: false, Strokes: [])));
        Assert.Empty(empty.GetProperty("strokes").EnumerateArray());
    }

    [Fact]
    public void Joined_refuses_a_missing_max_and_odd_points_without_writing()
    {
        var joined = new RoomJoined("b", "board", "p1", "p1", 0, 0, 0, Players);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => _writer.WriteJoined(buffer, joined, default));
        Assert.Throws<ArgumentException>(() => _writer.WriteJoined(buffer, joined,
            new JoinedOptions(16, Ticks: false, Strokes: [new BoardStroke("p1", 1, new float[] { 1, 2, 3 }, default, 1)])));
        Assert.Equal(0, buffer.WrittenCount);
    }

    // --- rooms ---

    [Fact]
    public void Rooms_sorted_with_the_natural_comparer_list_r2_before_r10()
    {
        List<RoomSummary> rooms = [new("r10", "arena", 1, 8, false), new("r2", "relay", 2, 2, true), new("board", "board", 0, 16, false), new("r1", "pong", 1, 2, false)];
        rooms.Sort((a, b) => NaturalStringComparer.Instance.Compare(a.Id, b.Id));
        var m = Write(b => _writer.WriteRooms(b, rooms));
        var entries = m.GetProperty("rooms").EnumerateArray().ToArray();
        Assert.Equal(["board", "r1", "r2", "r10"], entries.Select(e => e.GetProperty("id").GetString()));
        AssertFields(entries[2], "id", "kind", "players", "max", "locked");
        Assert.Equal("relay", entries[2].GetProperty("kind").GetString());
        Assert.Equal(2, entries[2].GetProperty("max").GetInt32());
        Assert.True(entries[2].GetProperty("locked").GetBoolean());
    }

    // --- chat, announcement, error ---

    [Fact]
    public void Chat_to_one_player_carries_to()
    {
        var m = Write(b => _writer.WriteChat(b, "p1", "psst", 1_700_000_000_000, "p2"));
        AssertFields(m, "type", "from", "text", "time", "to");
        Assert.Equal("chat", m.GetProperty("type").GetString());
        Assert.Equal("p1", m.GetProperty("from").GetString());
        Assert.Equal("psst", m.GetProperty("text").GetString());
        Assert.Equal(1_700_000_000_000, m.GetProperty("time").GetInt64());
        Assert.Equal("p2", m.GetProperty("to").GetString());
    }

    [Fact]
    public void Chat_without_to_is_byte_for_byte_v1()
    {
        var v1 = Text(b => _writer.WriteChat(b, new ChatEvent("p1", "hi <b>", 5)));
        Assert.Equal("""{"type":"chat","from":"p1","text":"hi \u003Cb\u003E","time":5}""", v1);
        Assert.Equal(v1, Text(b => _writer.WriteChat(b, "p1", "hi <b>", 5)));
        Assert.Equal(v1, Text(b => _writer.Encode(new ChatEvent("p1", "hi <b>", 5), b)));
    }

    [Fact]
    public void Announcement()
    {
        var m = Write(b => _writer.WriteAnnouncement(b, "Maintenance at 10:00 — back soon", 1_700_000_000_001));
        AssertFields(m, "type", "text", "time");
        Assert.Equal("announcement", m.GetProperty("type").GetString());
        Assert.Equal("Maintenance at 10:00 — back soon", m.GetProperty("text").GetString());
        Assert.Equal(1_700_000_000_001, m.GetProperty("time").GetInt64());
    }

    [Theory]
    [InlineData("unknown_player")]
    [InlineData("not_host")]
    [InlineData("wrong_kind")]
    public void Error_with_a_wire_code(string code)
    {
        var m = Write(b => _writer.WriteError(b, code, "why"));
        AssertFields(m, "type", "code", "message");
        Assert.Equal("error", m.GetProperty("type").GetString());
        Assert.Equal(code, m.GetProperty("code").GetString());
        Assert.Equal("why", m.GetProperty("message").GetString());
        Assert.Throws<ArgumentException>(() => _writer.WriteError(new ArrayBufferWriter<byte>(), "", "why"));
    }

    [Fact]
    public void Error_by_wire_string_matches_error_by_code()
        => Assert.Equal(Text(b => _writer.WriteError(b, ErrorCode.RoomFull, "full")), Text(b => _writer.WriteError(b, "room_full", "full")));

    // --- relay ---

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("{ \"a\" : [1, 2.50, \"x\"] , \"b\":null }")]
    [InlineData("\"<script> \\u00e9 \\\"q\\\" \\n\"")] // not re-escaped, not decoded
    [InlineData("\"héllo ☃ 😀\"")] // raw UTF-8, not turned into \u escapes
    [InlineData("-1.5e+3")]
    [InlineData("null")]
    [InlineData("[]")]
    public void Relay_data_goes_out_byte_for_byte(string data)
    {
        var frame = Encoding.UTF8.GetBytes($$"""{"type":"relay","data":{{data}},"to":"p2"}""");
        Assert.True(ClientMessageParser.TryParse(frame, out var message, out _));
        var buffer = new ArrayBufferWriter<byte>();
        _writer.WriteRelay(buffer, "p1", message.Data.Span);
        byte[] expected = [.. """{"type":"relay","from":"p1","data":"""u8, .. Encoding.UTF8.GetBytes(data), (byte)'}'];
        Assert.Equal(expected, buffer.WrittenSpan.ToArray());
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        AssertFields(doc.RootElement, "type", "from", "data");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("{")]
    [InlineData("1 2")]
    [InlineData("{\"a\":1}}")]
    [InlineData("'x'")]
    public void Relay_refuses_data_that_is_not_one_json_value_and_writes_nothing(string data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => _writer.WriteRelay(buffer, "p1", Encoding.UTF8.GetBytes(data)));
        Assert.Equal(0, buffer.WrittenCount);
        _writer.WriteClear(buffer, "p1"); // the writer is still usable
        Assert.Equal("""{"type":"clear","by":"p1"}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Relay_refuses_invalid_utf8()
    {
        byte[] data = [(byte)'"', 0xC3, 0x28, (byte)'"'];
        Assert.Throws<ArgumentException>(() => _writer.WriteRelay(new ArrayBufferWriter<byte>(), "p1", data));
    }

    [Fact]
    public void Relay_of_2_KiB_allocates_nothing_but_the_output()
    {
        var data = Encoding.UTF8.GetBytes("\"" + new string('x', ProtocolLimits.MaxRelayDataBytes - 2) + "\"");
        var buffer = new ArrayBufferWriter<byte>(4096);
        _writer.WriteRelay(buffer, "p1", data); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            buffer.ResetWrittenCount();
            _writer.WriteRelay(buffer, "p1", data);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // --- board ---

    [Fact]
    public void Draw_carries_from_id_points_color_width()
    {
        var stroke = new BoardStroke("p2", 7, new float[] { 0, 1000, 12.3f, 45.67f }, new Rgb(0, 128, 255), 2.5f);
        var text = Text(b => _writer.WriteDraw(b, stroke));
        // Floats print short: 12.3, not 12.300000190734863.
        Assert.Equal("""{"type":"draw","from":"p2","id":7,"points":[[0,1000],[12.3,45.67]],"color":[0,128,255],"width":2.5}""", text);
    }

    [Fact]
    public void A_parsed_draw_round_trips_through_the_writer()
    {
        var frame = """{"type":"draw","points":[[1,2],[999.5,0.25],[500,500]],"color":[9,8,7],"width":12}"""u8.ToArray();
        Assert.True(ClientMessageParser.TryParse(frame, out var m, out _));
        var out1 = Write(b => _writer.WriteDraw(b, new BoardStroke("me", 1, m.Points, m.Color, m.Width)));
        AssertFields(out1, "type", "from", "id", "points", "color", "width");
        Assert.Equal([[1, 2], [999.5, 0.25], [500, 500]], out1.GetProperty("points").EnumerateArray().Select(p => p.EnumerateArray().Select(e => e.GetDouble()).ToArray()));
        Assert.Equal([9, 8, 7], out1.GetProperty("color").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(12, out1.GetProperty("width").GetDouble());
    }

    [Fact]
    public void Draw_refuses_odd_points_and_allocates_nothing()
    {
        Assert.Throws<ArgumentException>(() => _writer.WriteDraw(new ArrayBufferWriter<byte>(), new BoardStroke("p", 1, new float[] { 1 }, default, 1)));
        var stroke = new BoardStroke("p2", 7, Enumerable.Range(0, 512).Select(i => i * 1.5f).ToArray(), new Rgb(1, 2, 3), 3);
        var buffer = new ArrayBufferWriter<byte>(16384);
        _writer.WriteDraw(buffer, stroke); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            buffer.ResetWrittenCount();
            _writer.WriteDraw(buffer, stroke);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Clear() => Assert.Equal("""{"type":"clear","by":"p1"}""", Text(b => _writer.WriteClear(b, "p1")));

    // --- pong ---

    [Fact]
    public void Pong_map_has_state_ball_and_paddles()
    {
        PongPaddle[] paddles = [new("p1", 20, 250.004f, -300, 3, 17), new("p2", 780, 100.555f, 0.001f, 11, 0)];
        var text = Text(b => _writer.WritePongMap(b, 1_700_000_000_033, 99, PongState.Playing, new PongBall(400.123f, 250, -315.5f, 12.345f), paddles));
        using var doc = JsonDocument.Parse(text);
        var m = doc.RootElement;
        AssertFields(m, "type", "time", "tick", "state", "ball", "player");
        Assert.Equal("map", m.GetProperty("type").GetString());
        Assert.Equal(1_700_000_000_033, m.GetProperty("time").GetInt64());
        Assert.Equal(99, m.GetProperty("tick").GetInt64());
        Assert.Equal("playing", m.GetProperty("state").GetString());
        AssertFields(m.GetProperty("player"), "p1", "p2");
        Assert.Contains("\"ball\":[400.12,250,-315.5,12.35]", text);
        Assert.Contains("\"p1\":[20,250,0,-300,3,17]", text);
        Assert.Contains("\"p2\":[780,100.56,0,0,11,0]", text);
    }

    [Theory]
    [InlineData(PongState.Waiting, "waiting")]
    [InlineData(PongState.Playing, "playing")]
    [InlineData(PongState.Over, "over")]
    public void Pong_states(PongState state, string wire)
        => Assert.Equal(wire, Write(b => _writer.WritePongMap(b, 1, 1, state, default, [])).GetProperty("state").GetString());

    [Fact]
    public void Pong_map_allocates_nothing_but_the_output()
    {
        PongPaddle[] paddles = [new("p1", 20, 250, -300, 3, 17), new("p2", 780, 100, 0, 11, 0)];
        var buffer = new ArrayBufferWriter<byte>(1024);
        _writer.WritePongMap(buffer, 1, 1, PongState.Playing, new PongBall(1, 2, 3, 4), paddles); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            buffer.ResetWrittenCount();
            _writer.WritePongMap(buffer, i, i, PongState.Playing, new PongBall(1, 2, 3, 4), paddles);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Point_and_match_over_carry_scores_by_player()
    {
        var scores = new Dictionary<string, int> { ["p1"] = 4, ["p2"] = 11 };
        var m = Write(b => _writer.WritePoint(b, "p2", scores));
        AssertFields(m, "type", "by", "scores");
        Assert.Equal("point", m.GetProperty("type").GetString());
        Assert.Equal("p2", m.GetProperty("by").GetString());
        AssertFields(m.GetProperty("scores"), "p1", "p2");
        Assert.Equal(4, m.GetProperty("scores").GetProperty("p1").GetInt32());
        Assert.Equal(11, m.GetProperty("scores").GetProperty("p2").GetInt32());

        m = Write(b => _writer.WriteMatchOver(b, "p2", scores));
        AssertFields(m, "type", "winner", "scores");
        Assert.Equal("match_over", m.GetProperty("type").GetString());
        Assert.Equal("p2", m.GetProperty("winner").GetString());
        Assert.Equal(11, m.GetProperty("scores").GetProperty("p2").GetInt32());
    }

    // --- waiting on player_joined / player_left ---

    [Fact]
    public void Player_joined_and_left_carry_waiting_only_when_given()
    {
        var m = Write(b => _writer.WritePlayerJoined(b, "p3", "Cy", new Rgb(9, 8, 7), waiting: false));
        AssertFields(m, "type", "id", "name", "color", "waiting");
        Assert.Equal("player_joined", m.GetProperty("type").GetString());
        Assert.False(m.GetProperty("waiting").GetBoolean());

        m = Write(b => _writer.WritePlayerLeft(b, "p3", waiting: true));
        AssertFields(m, "type", "id", "waiting");
        Assert.True(m.GetProperty("waiting").GetBoolean());

        // Without it: v1, byte for byte.
        Assert.Equal("""{"type":"player_left","id":"p3"}""", Text(b => _writer.WritePlayerLeft(b, "p3")));
        Assert.Equal("""{"type":"player_joined","id":"p3","name":"Cy","color":[9,8,7]}""", Text(b => _writer.WritePlayerJoined(b, "p3", "Cy", new Rgb(9, 8, 7))));
        Assert.Equal("""{"type":"player_joined","id":"p3","name":"Cy","color":[9,8,7]}""", Text(b => _writer.Encode(new PlayerJoinedEvent("p3", "Cy", new Rgb(9, 8, 7)), b)));
    }
}
