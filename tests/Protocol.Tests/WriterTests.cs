using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol.Tests;

public class WriterTests
{
    private readonly JsonMessageWriter _writer = new();

    private static JsonElement Read(ArrayBufferWriter<byte> buffer)
    {
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private static JsonElement Write(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Read(buffer);
    }

    private static void AssertFields(JsonElement message, params string[] names)
        => Assert.Equal(names.Order(), message.EnumerateObject().Select(p => p.Name).Order());

    [Fact]
    public void Welcome()
    {
        var m = Write(b => _writer.WriteWelcome(b, "p1", "p1.secret", 1_700_000_000_123));
        AssertFields(m, "type", "id", "token", "time", "encoding");
        Assert.Equal("welcome", m.GetProperty("type").GetString());
        Assert.Equal("p1", m.GetProperty("id").GetString());
        Assert.Equal("p1.secret", m.GetProperty("token").GetString());
        Assert.Equal(1_700_000_000_123, m.GetProperty("time").GetInt64());
        Assert.Equal("json", m.GetProperty("encoding").GetString());
    }

    [Fact]
    public void Welcome_echoes_the_binary_encoding()
    {
        var m = Write(b => _writer.WriteWelcome(b, "p1", "p1.secret", 1, WireEncoding.Binary));
        Assert.Equal("binary", m.GetProperty("encoding").GetString());
    }

    [Fact]
    public void Time_echoes_t_and_adds_server()
    {
        var m = Write(b => _writer.WriteTime(b, 1234.5, 1_700_000_000_000));
        AssertFields(m, "type", "t", "server");
        Assert.Equal("time", m.GetProperty("type").GetString());
        Assert.Equal(1234.5, m.GetProperty("t").GetDouble());
        Assert.Equal(1_700_000_000_000, m.GetProperty("server").GetInt64());
    }

    [Fact]
    public void Rooms()
    {
        var m = Write(b => _writer.WriteRooms(b, [new RoomSummary("a", "arena", 3, 8, false), new RoomSummary("b", "arena", 8, 8, true)]));
        AssertFields(m, "type", "rooms");
        Assert.Equal("rooms", m.GetProperty("type").GetString());
        var rooms = m.GetProperty("rooms").EnumerateArray().ToArray();
        Assert.Equal(2, rooms.Length);
        AssertFields(rooms[0], "id", "kind", "players", "max", "locked");
        Assert.Equal("a", rooms[0].GetProperty("id").GetString());
        Assert.Equal("arena", rooms[0].GetProperty("kind").GetString());
        Assert.Equal(3, rooms[0].GetProperty("players").GetInt32());
        Assert.Equal(8, rooms[0].GetProperty("max").GetInt32());
        Assert.False(rooms[0].GetProperty("locked").GetBoolean());
        Assert.True(rooms[1].GetProperty("locked").GetBoolean());

        Assert.Empty(Write(b => _writer.WriteRooms(b, [])).GetProperty("rooms").EnumerateArray());
    }

    [Fact]
    public void Joined()
    {
        var players = ImmutableDictionary<string, PlayerProfile>.Empty
            .Add("p1", new PlayerProfile("Ada", new Rgb(255, 0, 10)))
            .Add("p2", new PlayerProfile("Bob \"the\" <b>", new Rgb(1, 2, 3)));
        var m = Write(b => _writer.WriteJoined(b, new RoomJoined("r1", "arena", "p2", "p1", 20, 1000, 1000, players)));
        AssertFields(m, "type", "room", "kind", "you", "host", "max", "tick", "world", "players"); // max: protocol v1.1
        Assert.Equal(8, m.GetProperty("max").GetInt32());
        Assert.Equal("joined", m.GetProperty("type").GetString());
        Assert.Equal("r1", m.GetProperty("room").GetString());
        Assert.Equal("arena", m.GetProperty("kind").GetString());
        Assert.Equal("p2", m.GetProperty("you").GetString());
        Assert.Equal("p1", m.GetProperty("host").GetString());
        Assert.Equal(20, m.GetProperty("tick").GetInt32());
        Assert.Equal([1000, 1000], m.GetProperty("world").EnumerateArray().Select(e => e.GetInt32()));
        var ps = m.GetProperty("players");
        AssertFields(ps, "p1", "p2");
        AssertFields(ps.GetProperty("p1"), "name", "color");
        Assert.Equal("Ada", ps.GetProperty("p1").GetProperty("name").GetString());
        Assert.Equal([255, 0, 10], ps.GetProperty("p1").GetProperty("color").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("Bob \"the\" <b>", ps.GetProperty("p2").GetProperty("name").GetString());
    }

    [Fact]
    public void Map_rounds_positions_and_velocities_to_two_decimals()
    {
        var snapshot = new RoomSnapshot("r1", 1_700_000_000_050, 42,
        [
            new PlayerSnapshot("p1", 12.3456f, 999.999f, -200f, 0.004f, 100, 17),
            new PlayerSnapshot("p2", 0f, 1000f, -0.001f, 141.42135f, 0, 0),
        ]);
        var buffer = new ArrayBufferWriter<byte>();
        _writer.WriteMap(buffer, snapshot);
        var m = Read(buffer);
        AssertFields(m, "type", "time", "tick", "player");
        Assert.Equal("map", m.GetProperty("type").GetString());
        Assert.Equal(1_700_000_000_050, m.GetProperty("time").GetInt64());
        Assert.Equal(42, m.GetProperty("tick").GetInt64());
        var players = m.GetProperty("player");
        AssertFields(players, "p1", "p2");
        Assert.Equal([12.35, 1000, -200, 0, 100, 17], players.GetProperty("p1").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0, 1000, 0, 141.42, 0, 0], players.GetProperty("p2").EnumerateArray().Select(e => e.GetDouble()));

        // Rounded values print short: no float noise like 12.350000381469727, and no "-0".
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.Contains("\"p1\":[12.35,1000,-200,0,100,17]", text);
        Assert.Contains("\"p2\":[0,1000,0,141.42,0,0]", text);
    }

    [Fact]
    public void Map_writing_allocates_nothing_but_the_output_buffer()
    {
        var snapshot = new RoomSnapshot("r1", 1, 1, [.. Enumerable.Range(0, 8).Select(i => new PlayerSnapshot($"p{i}", i * 10.5f, 3, 1, 2, 100, i))]);
        var buffer = new ArrayBufferWriter<byte>(4096);
        _writer.WriteMap(buffer, snapshot); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            buffer.ResetWrittenCount();
            _writer.Encode(snapshot, buffer);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Room_events()
    {
        var m = Encode(new PlayerJoinedEvent("p3", "Cy", new Rgb(9, 8, 7)));
        AssertFields(m, "type", "id", "name", "color");
        Assert.Equal("player_joined", m.GetProperty("type").GetString());
        Assert.Equal("p3", m.GetProperty("id").GetString());
        Assert.Equal("Cy", m.GetProperty("name").GetString());
        Assert.Equal([9, 8, 7], m.GetProperty("color").EnumerateArray().Select(e => e.GetInt32()));

        m = Encode(new PlayerLeftEvent("p3"));
        AssertFields(m, "type", "id");
        Assert.Equal("player_left", m.GetProperty("type").GetString());
        Assert.Equal("p3", m.GetProperty("id").GetString());

        m = Encode(new PlayerAttackedEvent("p1", "p2", 90));
        AssertFields(m, "type", "id", "by", "hp");
        Assert.Equal("player_attacked", m.GetProperty("type").GetString());
        Assert.Equal("p1", m.GetProperty("id").GetString());
        Assert.Equal("p2", m.GetProperty("by").GetString());
        Assert.Equal(90, m.GetProperty("hp").GetInt32());

        m = Encode(new PlayerKilledEvent("p1", "p2"));
        AssertFields(m, "type", "id", "by");
        Assert.Equal("player_killed", m.GetProperty("type").GetString());
        Assert.Equal("p1", m.GetProperty("id").GetString());
        Assert.Equal("p2", m.GetProperty("by").GetString());

        m = Encode(new HostChangedEvent("p2"));
        AssertFields(m, "type", "id");
        Assert.Equal("host_changed", m.GetProperty("type").GetString());
        Assert.Equal("p2", m.GetProperty("id").GetString());

        m = Encode(new ChatEvent("p2", "héllo </script>", 1_700_000_000_000));
        AssertFields(m, "type", "from", "text", "time");
        Assert.Equal("chat", m.GetProperty("type").GetString());
        Assert.Equal("p2", m.GetProperty("from").GetString());
        Assert.Equal("héllo </script>", m.GetProperty("text").GetString());
        Assert.Equal(1_700_000_000_000, m.GetProperty("time").GetInt64());
    }

    [Fact]
    public void Player_left_reply_and_error()
    {
        var m = Write(b => _writer.WritePlayerLeft(b, "me"));
        AssertFields(m, "type", "id");
        Assert.Equal("player_left", m.GetProperty("type").GetString());
        Assert.Equal("me", m.GetProperty("id").GetString());

        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            m = Write(b => _writer.WriteError(b, code, "why"));
            AssertFields(m, "type", "code", "message");
            Assert.Equal("error", m.GetProperty("type").GetString());
            Assert.Equal(ErrorCodes.ToWire(code), m.GetProperty("code").GetString());
            Assert.Equal("why", m.GetProperty("message").GetString());
        }
        Assert.Equal("room_full", Write(b => _writer.WriteError(b, ErrorCode.RoomFull, "")).GetProperty("code").GetString());
    }

    [Fact]
    public void One_writer_writes_consecutive_messages_into_different_buffers()
    {
        var a = new ArrayBufferWriter<byte>();
        var b = new ArrayBufferWriter<byte>();
        _writer.WritePlayerLeft(a, "x");
        _writer.WriteHostChanged(b, new HostChangedEvent("y"));
        Assert.Equal("""{"type":"player_left","id":"x"}""", System.Text.Encoding.UTF8.GetString(a.WrittenSpan));
        Assert.Equal("""{"type":"host_changed","id":"y"}""", System.Text.Encoding.UTF8.GetString(b.WrittenSpan));
        Assert.Equal(MessageFormat.Text, _writer.Format);
    }

    private JsonElement Encode(RoomEvent e) => Write(b => _writer.Encode(e, b));
}
