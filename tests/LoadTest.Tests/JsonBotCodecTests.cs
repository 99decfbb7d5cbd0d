using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Game.LoadTest.Tests;

public sealed class JsonBotCodecTests
{
    private static readonly IBotCodec Codec = BotCodecs.Create(BotEncoding.Json);

    private static ServerMessage Decode(string json, string playerId = "p2")
    {
        var state = new BotCodecState();
        return Codec.Decode(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, Encoding.UTF8.GetBytes(playerId), ref state);
    }

    [Fact]
    public void Input_is_protocol_json_with_seq_time_direction_and_attack_only_when_set()
    {
        var buffer = new byte[Codec.MaxInputSize];

        var n = Codec.EncodeInput(new BotInput(42, 1_732_170_000_123, 0.707f, -1f, Attack: true), buffer);
        using (var doc = JsonDocument.Parse(buffer.AsMemory(0, n)))
        {
            var root = doc.RootElement;
            Assert.Equal("input", root.GetProperty("type").GetString());
            Assert.Equal(42, root.GetProperty("seq").GetInt64());
            Assert.Equal(1_732_170_000_123, root.GetProperty("time").GetInt64());
            Assert.Equal(0.707, root.GetProperty("input")[0].GetDouble(), 3);
            Assert.Equal(-1, root.GetProperty("input")[1].GetDouble());
            Assert.True(root.GetProperty("attack").GetBoolean());
        }

        n = Codec.EncodeInput(new BotInput(long.MaxValue, long.MaxValue, 5f, float.NaN, Attack: false), buffer);
        using (var doc = JsonDocument.Parse(buffer.AsMemory(0, n)))
        {
            Assert.False(doc.RootElement.TryGetProperty("attack", out _));
            Assert.Equal(1, doc.RootElement.GetProperty("input")[0].GetDouble()); // clamped to [-1, 1]
            Assert.Equal(0, doc.RootElement.GetProperty("input")[1].GetDouble());
        }
        Assert.Equal(WebSocketMessageType.Text, Codec.InputMessageType);
    }

    [Fact]
    public void Input_into_a_too_small_buffer_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Codec.EncodeInput(new BotInput(1, 1, 0, 0, false), new byte[10]));
    }

    [Fact]
    public void Hello_and_join_are_protocol_json()
    {
        using var hello = JsonDocument.Parse(Codec.EncodeHello("bot-1"));
        Assert.Equal("hello", hello.RootElement.GetProperty("type").GetString());
        Assert.Equal("bot-1", hello.RootElement.GetProperty("name").GetString());
        Assert.False(hello.RootElement.TryGetProperty("encoding", out _));

        using var join = JsonDocument.Parse(Codec.EncodeJoin("load-abc-3"));
        Assert.Equal("join", join.RootElement.GetProperty("type").GetString());
        Assert.Equal("load-abc-3", join.RootElement.GetProperty("room").GetString());
    }

    [Fact]
    public void Map_yields_only_this_bots_ack()
    {
        var message = Decode("""{"type":"map","time":1,"tick":7,"player":{"p1":[1,2,0,0,100,9],"p2":[3.5,4,200,0,90,17],"p3":[5,6,0,0,100,99]}}""");

        Assert.Equal(ServerMessageKind.Map, message.Kind);
        Assert.Equal(17, message.Ack);
    }

    [Fact]
    public void Map_whose_type_comes_last_still_yields_the_ack()
    {
        var message = Decode("""{"player":{"p2":[0,0,0,0,100,5]},"tick":1,"type":"map"}""");

        Assert.Equal(new ServerMessage(ServerMessageKind.Map, 5, null, null), message);
    }

    [Fact]
    public void Map_without_this_bot_has_no_ack()
    {
        Assert.Equal(-1, Decode("""{"type":"map","time":1,"tick":1,"player":{"p1":[0,0,0,0,100,3]}}""").Ack);
        Assert.Equal(-1, Decode("""{"type":"map","time":1,"tick":1,"player":{"p2":[0,0,0,0,100,3]}}""", playerId: "").Ack);
    }

    [Fact]
    public void Welcome_joined_and_error_carry_id_you_and_code()
    {
        Assert.Equal(new ServerMessage(ServerMessageKind.Welcome, -1, "p7", null), Decode("""{"type":"welcome","id":"p7","token":"t","time":1}"""));
        Assert.Equal("12", Decode("""{"type":"welcome","id":12,"token":"t","time":1}""").Id);
        Assert.Equal(new ServerMessage(ServerMessageKind.Joined, -1, "p7", null),
            Decode("""{"type":"joined","room":"r","kind":"arena","you":"p7","host":"p1","tick":20,"world":[1000,1000],"players":{"p7":{"name":"a","color":[1,2,3]}}}"""));
        Assert.Equal(new ServerMessage(ServerMessageKind.Error, -1, null, "room_full"), Decode("""{"type":"error","code":"room_full","message":"full"}"""));
        Assert.Equal("unknown", Decode("""{"type":"error","message":"?"}""").ErrorCode);
    }

    [Theory]
    [InlineData("""{"type":"player_joined","id":"p9","name":"x","color":[1,2,3]}""", ServerMessageKind.Other)]
    [InlineData("""{"type":"chat","from":"p1","text":"hi","time":1}""", ServerMessageKind.Other)]
    [InlineData("""not json""", ServerMessageKind.Malformed)]
    [InlineData("""[1,2]""", ServerMessageKind.Malformed)]
    [InlineData("""{"tick":1}""", ServerMessageKind.Malformed)]
    [InlineData("""{"type":5}""", ServerMessageKind.Malformed)]
    [InlineData("""{"type":"map","player":{"p2":[0,0""", ServerMessageKind.Malformed)]
    public void Other_and_broken_frames_are_classified_without_throwing(string json, ServerMessageKind expected)
    {
        Assert.Equal(expected, Decode(json).Kind);
    }

    [Fact]
    public void A_binary_frame_on_a_json_connection_is_malformed()
    {
        var state = new BotCodecState();
        Assert.Equal(ServerMessageKind.Malformed, Codec.Decode([0x01, 0x01], WebSocketMessageType.Binary, "p2"u8, ref state).Kind);
    }
}
