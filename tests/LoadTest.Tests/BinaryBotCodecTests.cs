using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.LoadTest.Tests;

/// <summary>
/// The tester's binary codec, written from docs/protocol-binary.md, checked against the server's own codec
/// (Game.Protocol): what the bot sends the gateway reads, what the gateway sends the bot reads.
/// </summary>
public sealed class BinaryBotCodecTests
{
    private static readonly IBotCodec Codec = BotCodecs.Create(BotEncoding.Binary);

    private static byte[] ServerRoster(byte version, params string[] ids)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BinaryMessageWriter.WriteRoster(buffer, BinaryRoster.Create(version, [.. ids.Select(id => new PlayerSnapshot(id, 0, 0, 0, 0, 0, 0))]));
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ServerMap(byte version, params (string Id, long Ack)[] players)
    {
        var snapshot = new RoomSnapshot("r", 1_700_000_000_000, 12_345, [.. players.Select((p, i) => new PlayerSnapshot(p.Id, i * 100.5f, 7, -200, 141.42f, 100, p.Ack))]);
        var buffer = new ArrayBufferWriter<byte>();
        BinaryMessageWriter.WriteMap(buffer, snapshot, BinaryRoster.Create(version, snapshot.Players));
        return buffer.WrittenSpan.ToArray();
    }

    private static ServerMessage Binary(byte[] frame, string playerId, ref BotCodecState state)
        => Codec.Decode(frame, WebSocketMessageType.Binary, Encoding.UTF8.GetBytes(playerId), ref state);

    [Fact]
    public void Hello_asks_for_binary_join_is_plain_json_and_inputs_are_binary_frames()
    {
        using var hello = JsonDocument.Parse(Codec.EncodeHello("bot-1"));
        Assert.Equal("hello", hello.RootElement.GetProperty("type").GetString());
        Assert.Equal("bot-1", hello.RootElement.GetProperty("name").GetString());
        Assert.Equal("binary", hello.RootElement.GetProperty("encoding").GetString());
        Assert.True(ClientMessageParser.TryParse(Codec.EncodeHello("bot-1"), out var parsed, out _));
        Assert.Equal(WireEncoding.Binary, parsed.Encoding);

        using var join = JsonDocument.Parse(Codec.EncodeJoin("load-abc-3"));
        Assert.Equal("load-abc-3", join.RootElement.GetProperty("room").GetString());
        Assert.Equal(WebSocketMessageType.Binary, Codec.InputMessageType);
        Assert.Equal(BotEncoding.Binary, Codec.Encoding);
    }

    [Theory]
    [InlineData(1L, 1_732_170_000_123L, 0.707f, -1f, true, 0.707f, -1f)]
    [InlineData(200L, 0L, 0f, 1f, false, 0f, 1f)]
    [InlineData(long.MaxValue, long.MaxValue, 5f, float.NaN, false, 1f, 0f)]
    [InlineData(3L, -5L, float.NegativeInfinity, -7f, true, 0f, -1f)]
    public void Inputs_are_read_by_the_gateway_as_sent(long seq, long time, float vx, float vy, bool attack, float sentVx, float sentVy)
    {
        var buffer = new byte[Codec.MaxInputSize];
        var n = Codec.EncodeInput(new BotInput(seq, time, vx, vy, attack), buffer);

        Assert.True(BinaryMessageReader.TryReadInput(buffer.AsSpan(0, n), out var input, out var error), $"the gateway refused the bot's input: {error.Message}");
        Assert.Equal(new PlayerInput(seq, time, sentVx, sentVy, attack), input);
        Assert.Throws<ArgumentException>(() => Codec.EncodeInput(new BotInput(1, 1, 0, 0, false), new byte[Codec.MaxInputSize - 1]));
    }

    [Fact]
    public void The_bot_reads_its_own_ack_from_the_gateways_map_by_its_roster_index()
    {
        var players = new[] { ("aaaaaaaa", 5L), ("bbbbbbbb", 300L), ("cccccccc", 1L << 33) };
        var map = ServerMap(9, players);
        foreach (var (id, ack) in players)
        {
            var state = new BotCodecState();
            Assert.Equal(ServerMessageKind.Other, Binary(ServerRoster(9, "aaaaaaaa", "bbbbbbbb", "cccccccc"), id, ref state).Kind);
            Assert.Equal(new ServerMessage(ServerMessageKind.Map, ack, null, null), Binary(map, id, ref state));
        }

        var stranger = new BotCodecState();
        Binary(ServerRoster(9, "aaaaaaaa", "bbbbbbbb", "cccccccc"), "zzzzzzzz", ref stranger);
        Assert.Equal(new ServerMessage(ServerMessageKind.Map, -1, null, null), Binary(map, "zzzzzzzz", ref stranger));
    }

    [Fact]
    public void A_map_without_its_roster_is_malformed_and_joined_forgets_the_roster()
    {
        var state = new BotCodecState();
        var map = ServerMap(4, ("me", 10));
        Assert.Equal(ServerMessageKind.Malformed, Binary(map, "me", ref state).Kind); // no roster yet

        Binary(ServerRoster(3, "me"), "me", ref state);
        Assert.Equal(ServerMessageKind.Malformed, Binary(map, "me", ref state).Kind); // another version
        Binary(ServerRoster(4, "me", "you"), "me", ref state);
        Assert.Equal(ServerMessageKind.Malformed, Binary(map, "me", ref state).Kind); // another count
        Binary(ServerRoster(4, "me"), "me", ref state);
        Assert.Equal(10, Binary(map, "me", ref state).Ack);

        var joined = Codec.Decode("""{"type":"joined","room":"r","kind":"arena","you":"me","host":"me","tick":20,"world":[1000,1000],"players":{}}"""u8,
            WebSocketMessageType.Text, "me"u8, ref state);
        Assert.Equal(new ServerMessage(ServerMessageKind.Joined, -1, "me", null), joined);
        Assert.Equal(ServerMessageKind.Malformed, Binary(map, "me", ref state).Kind);
    }

    [Fact]
    public void Text_frames_are_json()
    {
        var state = new BotCodecState();
        Assert.Equal(new ServerMessage(ServerMessageKind.Error, -1, null, "bad_request"),
            Codec.Decode("""{"type":"error","code":"bad_request","message":"x"}"""u8, WebSocketMessageType.Text, "me"u8, ref state));
        Assert.Equal(new ServerMessage(ServerMessageKind.Welcome, -1, "p7", null),
            Codec.Decode("""{"type":"welcome","id":"p7","token":"t","time":1,"encoding":"binary"}"""u8, WebSocketMessageType.Text, ""u8, ref state));
    }

    [Theory]
    [InlineData("")]
    [InlineData("81")]
    [InlineData("7B7D")]
    [InlineData("01 04 00000000")]
    [InlineData("01 04 0000000000000000 01")]
    [InlineData("01 04 0000000000000000 01 01 00000000")]
    [InlineData("02")]
    [InlineData("02 04 02 02 6D65")]
    [InlineData("02 04 01 02 6D65 00")]
    [InlineData("02 04 01 00")]
    public void Broken_binary_frames_are_malformed_without_throwing(string hex)
    {
        var state = new BotCodecState();
        Binary(ServerRoster(4, "me"), "me", ref state);
        Assert.Equal(ServerMessageKind.Malformed, Binary(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), "me", ref state).Kind);
    }

    [Fact]
    public void Encoding_inputs_and_decoding_maps_allocate_nothing()
    {
        var state = new BotCodecState();
        var roster = ServerRoster(2, "a", "b", "c", "d", "e", "f", "g", "h");
        var map = ServerMap(2, [.. "abcdefgh".Select((c, i) => (c.ToString(), (long)i + 1000))]);
        var id = "g"u8.ToArray();
        var buffer = new byte[Codec.MaxInputSize];
        Codec.Decode(roster, WebSocketMessageType.Binary, id, ref state);
        long sum = 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            sum += Codec.EncodeInput(new BotInput(i, 1, 0.5f, 0.5f, i % 2 == 0), buffer);
            sum += Codec.Decode(map, WebSocketMessageType.Binary, id, ref state).Ack;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100 * 1006 + 100 * 19, sum);
    }
}
