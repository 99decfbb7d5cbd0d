using System.Runtime.InteropServices;
using System.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol.Tests;

/// <summary>The client → server additions of shared protocol.md v1.1.</summary>
public class ParserV11Tests
{
    private static ClientMessage Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static ClientMessage Parse(byte[] frame)
    {
        Assert.True(ClientMessageParser.TryParse(frame, out var message, out var error),
            $"expected {Encoding.UTF8.GetString(frame)} to parse, got {error.Code}: {error.Message}");
        return message;
    }

    private static ProtocolError Reject(string json) => Reject(Encoding.UTF8.GetBytes(json));

    private static ProtocolError Reject(byte[] frame)
    {
        Assert.False(ClientMessageParser.TryParse(frame, out _, out var error), $"expected {Encoding.UTF8.GetString(frame)} to be rejected");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    private static void AssertBadRequest(string json, string mentions)
    {
        var error = Reject(json);
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.Contains(mentions, error.Message, StringComparison.Ordinal);
    }

    // --- join: max and kind ---

    [Fact]
    public void Join_max_is_an_optional_integer_1_to_1000()
    {
        Assert.Null(Parse("""{"type":"join","room":"r"}""").Max);
        Assert.Null(Parse("""{"type":"join","room":"r","max":null}""").Max);
        var m = Parse("""{"type":"join","room":"r","kind":"relay","max":4}""");
        Assert.Equal(ClientMessageType.Join, m.Type);
        Assert.Equal("relay", m.Kind);
        Assert.Equal(4, m.Max);
        Assert.Equal(1, Parse("""{"type":"join","room":"r","max":1}""").Max);
        Assert.Equal(1000, Parse("""{"type":"join","room":"r","max":1000}""").Max);
        // The parser leaves per-kind ranges to the server: an arena asking for 500 parses.
        Assert.Equal(500, Parse("""{"type":"join","room":"r","kind":"arena","max":500}""").Max);
    }

    [Theory]
    [InlineData("""{"type":"join","room":"r","max":0}""")]
    [InlineData("""{"type":"join","room":"r","max":-2}""")]
    [InlineData("""{"type":"join","room":"r","max":1001}""")]
    [InlineData("""{"type":"join","room":"r","max":2.5}""")]
    [InlineData("""{"type":"join","room":"r","max":2.0}""")]
    [InlineData("""{"type":"join","room":"r","max":1e1}""")]
    [InlineData("""{"type":"join","room":"r","max":99999999999999999999}""")]
    [InlineData("""{"type":"join","room":"r","max":"4"}""")]
    [InlineData("""{"type":"join","room":"r","max":true}""")]
    [InlineData("""{"type":"join","room":"r","max":[4]}""")]
    public void Join_rejects_a_max_that_is_not_an_integer_1_to_1000(string json) => AssertBadRequest(json, "join.max");

    [Theory]
    [InlineData("arena")]
    [InlineData("relay")]
    [InlineData("pong")]
    [InlineData("board")]
    [InlineData("chess")] // unknown kinds are the server's to refuse
    [InlineData("a")]
    [InlineData("my_kind-2")]
    [InlineData("abcdefghijklmnop")] // 16
    public void Join_kind_is_a_short_identifier(string kind)
        => Assert.Equal(kind, Parse($$"""{"type":"join","room":"r","kind":"{{kind}}"}""").Kind);

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"Arena\"")]
    [InlineData("\"abcdefghijklmnopq\"")] // 17
    [InlineData("\"has space\"")]
    [InlineData("\"dot.ted\"")]
    [InlineData("\"ar\\u00e9na\"")]
    [InlineData("\"arena\\n\"")]
    [InlineData("7")]
    [InlineData("[\"arena\"]")]
    public void Join_rejects_a_kind_that_is_not_1_to_16_of_a_z_0_9(string kind)
        => AssertBadRequest($$"""{"type":"join","room":"r","kind":{{kind}}}""", "join.kind");

    [Fact]
    public void Join_kind_null_means_the_default()
        => Assert.Equal("arena", Parse("""{"type":"join","room":"r","kind":null}""").Kind);

    // --- rooms: watch ---

    [Theory]
    [InlineData("""{"type":"rooms"}""", null)]
    [InlineData("""{"type":"rooms","watch":null}""", null)]
    [InlineData("""{"type":"rooms","watch":true}""", true)]
    [InlineData("""{"watch":false,"type":"rooms"}""", false)]
    [InlineData("""{"type":"rooms","watch":true,"watch":false}""", false)] // the last wins
    public void Rooms_watch_is_an_optional_boolean(string json, bool? expected)
    {
        var m = Parse(json);
        Assert.Equal(ClientMessageType.Rooms, m.Type);
        Assert.Equal(expected, m.Watch);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("\"true\"")]
    [InlineData("{}")]
    public void Rooms_watch_must_be_a_boolean(string value) => AssertBadRequest($$"""{"type":"rooms","watch":{{value}}}""", "rooms.watch");

    // --- chat: to ---

    [Fact]
    public void Chat_to_is_an_optional_player_id()
    {
        var m = Parse("""{"type":"chat","text":"psst","to":"aB3_-x9Z"}""");
        Assert.Equal(ClientMessageType.Chat, m.Type);
        Assert.Equal("psst", m.Text);
        Assert.Equal("aB3_-x9Z", m.To);
        Assert.Null(Parse("""{"type":"chat","text":"all"}""").To);
        Assert.Null(Parse("""{"type":"chat","text":"all","to":null}""").To);
        Assert.Equal(new string('q', 32), Parse($$"""{"type":"chat","text":"x","to":"{{new string('q', 32)}}"}""").To);
        Assert.Equal("p1", Parse("""{"type":"chat","text":"x","to":"p\u0031"}""").To); // escapes are read as JSON
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"")] // 33
    [InlineData("\"p 1\"")]
    [InlineData("\"p.1\"")]
    [InlineData("\"p\\u00e91\"")]
    [InlineData("\"p\u00e91\"")]
    [InlineData("\"p\\n\"")]
    [InlineData("42")]
    [InlineData("[\"p1\"]")]
    [InlineData("true")]
    public void Chat_to_must_be_1_to_32_chars_of_A_Za_z0_9(string to)
        => AssertBadRequest($$"""{"type":"chat","text":"hi","to":{{to}}}""", "chat.to");

    [Fact]
    public void Chat_text_rules_still_apply_with_to()
        => AssertBadRequest("""{"type":"chat","to":"p1"}""", "chat.text");

    // --- relay ---

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("{ \"a\" : [1, 2.50, \"x\"] , \"b\":null }")] // inner whitespace and number spelling kept
    [InlineData("\"a string with \\\"escapes\\\" \\u00e9 and \\n\"")] // escapes kept as sent, not decoded
    [InlineData("\"héllo ☃ 😀\"")] // raw UTF-8 kept
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("-1.5e+3")]
    [InlineData("0")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("[[[[{\"deep\":[{}]}]]]]")]
    public void Relay_data_is_kept_byte_for_byte(string data)
    {
        var expected = Encoding.UTF8.GetBytes(data);
        foreach (var frame in new[]
        {
            $$"""{"type":"relay","data":{{data}}}""",
            $$"""{"data":{{data}},"type":"relay"}""",
            $$"""{ "type" : "relay" ,  "data" :  {{data}}  , "x":[1] }""",
            $$"""{"type":"relay","to":"p2","data":{{data}}}""",
        })
        {
            var m = Parse(frame);
            Assert.Equal(ClientMessageType.Relay, m.Type);
            Assert.Equal(expected, m.Data.ToArray());
        }
    }

    [Fact]
    public void Relay_data_is_a_copy_of_exact_length_that_outlives_the_frame()
    {
        var frame = Encoding.UTF8.GetBytes("""{"type":"relay","data":{"k":"v"},"to":"p9"}""");
        var m = Parse(frame);
        Array.Fill(frame, (byte)'#'); // the gateway reuses its receive buffer
        Assert.Equal("""{"k":"v"}""", Encoding.UTF8.GetString(m.Data.Span));
        Assert.Equal("p9", m.To);
        Assert.True(MemoryMarshal.TryGetArray(m.Data, out var segment));
        Assert.Equal(0, segment.Offset);
        Assert.Equal(segment.Array!.Length, segment.Count);
    }

    [Fact]
    public void Relay_to_is_optional_and_the_last_data_wins()
    {
        var m = Parse("""{"type":"relay","data":1,"data":[2]}""");
        Assert.Null(m.To);
        Assert.Equal("[2]"u8.ToArray(), m.Data.ToArray());
        Assert.Null(Parse("""{"type":"relay","data":1,"to":null}""").To);
    }

    [Fact]
    public void Relay_data_may_be_2048_bytes_as_sent_and_not_2049()
    {
        // A string value: its 2 quotes count. Inner whitespace counts too: the limit is on the bytes as sent.
        var atLimit = "\"" + new string('x', ProtocolLimits.MaxRelayDataBytes - 2) + "\"";
        Assert.Equal(2048, Parse($$"""{"type":"relay","data":{{atLimit}}}""").Data.Length);
        var over = "\"" + new string('x', ProtocolLimits.MaxRelayDataBytes - 1) + "\"";
        AssertBadRequest($$"""{"type":"relay","data":{{over}}}""", "relay.data");

        var spaced = "[" + new string(' ', 2046) + "]";
        Assert.Equal(2048, Parse($$"""{"type":"relay","data":{{spaced}}}""").Data.Length);
        AssertBadRequest($$"""{"type":"relay","data":[ {{new string(' ', 2046)}}]}""", "relay.data");

        // Multi-byte chars count as their UTF-8 bytes: 682 × 3 + 2 quotes = 2048; one more char is over.
        var euros = "\"" + new string('€', 682) + "\"";
        Assert.Equal(2048, Parse($$"""{"type":"relay","data":{{euros}}}""").Data.Length);
        AssertBadRequest($$"""{"type":"relay","data":"{{new string('€', 683)}}"}""", "relay.data");
    }

    [Fact]
    public void Relay_data_over_the_limit_is_rejected_even_when_a_later_data_is_small()
        => AssertBadRequest($$"""{"type":"relay","data":"{{new string('x', 3000)}}","data":1}""", "relay.data");

    [Theory]
    [InlineData("""{"type":"relay"}""", "relay.data")]
    [InlineData("""{"type":"relay","to":"p1"}""", "relay.data")]
    [InlineData("""{"type":"relay","data":1,"to":""}""", "relay.to")]
    [InlineData("""{"type":"relay","data":1,"to":"a b"}""", "relay.to")]
    [InlineData("""{"type":"relay","data":1,"to":7}""", "relay.to")]
    [InlineData("""{"type":"relay","data":1,"to":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "relay.to")]
    public void Relay_rejects_missing_data_and_bad_to(string json, string mentions) => AssertBadRequest(json, mentions);

    [Theory]
    [InlineData("""{"type":"relay","data":}""")]
    [InlineData("""{"type":"relay","data":[1,]}""")]
    [InlineData("""{"type":"relay","data":{"a"}}""")]
    [InlineData("""{"type":"relay","data":undefined}""")]
    [InlineData("""{"type":"relay","data":NaN}""")]
    [InlineData("""{"type":"relay","data":'x'}""")]
    public void Relay_with_malformed_data_is_a_bad_request(string json) => Assert.Equal(ErrorCode.BadRequest, Reject(json).Code);

    [Fact]
    public void Relay_data_with_invalid_utf8_is_a_bad_request()
    {
        byte[] frame = [.. "{\"type\":\"relay\",\"data\":{\"s\":\""u8, 0xC3, 0x28, .. "\"}}"u8];
        var error = Reject(frame);
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }

    // --- draw ---

    [Fact]
    public void Draw_parses_points_color_and_width()
    {
        var m = Parse("""{"type":"draw","points":[[0,0],[1000,1000],[12.5,999.75]],"color":[255,0,128],"width":2.5}""");
        Assert.Equal(ClientMessageType.Draw, m.Type);
        Assert.Equal([0f, 0f, 1000f, 1000f, 12.5f, 999.75f], m.Points!);
        Assert.Equal(new Rgb(255, 0, 128), m.Color);
        Assert.Equal(2.5f, m.Width);

        m = Parse("""{"width":40,"color":[0,0,0],"type":"draw","points":[[1,2],[3,4]],"extra":{"a":1}}""");
        Assert.Equal([1f, 2f, 3f, 4f], m.Points!);
        Assert.Equal(40f, m.Width);
        Assert.Equal(1f, Parse("""{"type":"draw","points":[[1,2],[3,4]],"color":[1,2,3],"width":1}""").Width);
    }

    [Fact]
    public void Draw_takes_2_to_256_points()
    {
        static string Points(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"[{i},{1000 - i}]")) + "]";

        var m = Parse($$"""{"type":"draw","points":{{Points(256)}},"color":[1,2,3],"width":3}""");
        Assert.Equal(512, m.Points!.Length);
        Assert.Equal(255f, m.Points[510]);
        Assert.Equal(745f, m.Points[511]);
        Assert.Equal(4, Parse($$"""{"type":"draw","points":{{Points(2)}},"color":[1,2,3],"width":3}""").Points!.Length);

        AssertBadRequest($$"""{"type":"draw","points":{{Points(257)}},"color":[1,2,3],"width":3}""", "draw.points");
        AssertBadRequest($$"""{"type":"draw","points":{{Points(1)}},"color":[1,2,3],"width":3}""", "draw.points");
        AssertBadRequest($$"""{"type":"draw","points":{{Points(0)}},"color":[1,2,3],"width":3}""", "draw.points");
    }

    [Theory]
    [InlineData("""[[0,0],[1000.001,5]]""")]
    [InlineData("""[[0,0],[-0.5,5]]""")]
    [InlineData("""[[0,0],[5,1e999]]""")]
    [InlineData("""[[0,0],[5]]""")]
    [InlineData("""[[0,0],[5,5,5]]""")]
    [InlineData("""[[0,0],[]]""")]
    [InlineData("""[[0,0],["5",5]]""")]
    [InlineData("""[[0,0],[null,5]]""")]
    [InlineData("""[[0,0],{"x":5,"y":5}]""")]
    [InlineData("""[[0,0],5]""")]
    [InlineData("""[0,0,5,5]""")]
    [InlineData("""{"0":[0,0]}""")]
    [InlineData("""null""")]
    [InlineData("""[[0,0],[[5],5]]""")]
    public void Draw_rejects_bad_points(string points)
        => AssertBadRequest($$"""{"type":"draw","points":{{points}},"color":[1,2,3],"width":3}""", "draw.points");

    [Theory]
    [InlineData("[256,0,0]")]
    [InlineData("[0,-1,0]")]
    [InlineData("[0,0,1.5]")]
    [InlineData("[0,0,1.0]")]
    [InlineData("[0,0]")]
    [InlineData("[0,0,0,0]")]
    [InlineData("[]")]
    [InlineData("[\"0\",0,0]")]
    [InlineData("\"#ff0000\"")]
    [InlineData("{\"r\":0,\"g\":0,\"b\":0}")]
    [InlineData("null")]
    public void Draw_rejects_a_bad_colour(string color)
        => AssertBadRequest($$"""{"type":"draw","points":[[0,0],[1,1]],"color":{{color}},"width":3}""", "draw.color");

    [Theory]
    [InlineData("0")]
    [InlineData("0.99")]
    [InlineData("40.01")]
    [InlineData("-3")]
    [InlineData("1e999")]
    [InlineData("\"3\"")]
    [InlineData("null")]
    [InlineData("[3]")]
    public void Draw_rejects_a_width_outside_1_to_40(string width)
        => AssertBadRequest($$"""{"type":"draw","points":[[0,0],[1,1]],"color":[1,2,3],"width":{{width}}}""", "draw.width");

    [Theory]
    [InlineData("""{"type":"draw","color":[1,2,3],"width":3}""", "draw.points")]
    [InlineData("""{"type":"draw","points":[[0,0],[1,1]],"width":3}""", "draw.color")]
    [InlineData("""{"type":"draw","points":[[0,0],[1,1]],"color":[1,2,3]}""", "draw.width")]
    public void Draw_needs_every_field(string json, string mentions) => AssertBadRequest(json, mentions);

    [Fact]
    public void Draw_allocates_only_the_message_points()
    {
        var frame = """{"type":"draw","points":[[0,0],[1,1],[2,2],[3,3]],"color":[1,2,3],"width":3}"""u8.ToArray();
        Assert.True(ClientMessageParser.TryParse(frame, out _, out _)); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) ClientMessageParser.TryParse(frame, out _, out _);
        var perMessage = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(perMessage <= 64, $"a draw of 4 points allocated {perMessage} bytes"); // float[8]: 24 + 32 bytes
    }

    // --- clear and the type list ---

    [Fact]
    public void Clear_takes_no_fields_and_ignores_extras()
    {
        Assert.Equal(ClientMessageType.Clear, Parse("""{"type":"clear"}""").Type);
        Assert.Equal(ClientMessageType.Clear, Parse("""{"type":"clear","points":"whatever","x":[1]}""").Type);
    }

    [Theory]
    [InlineData("""{"type":"Relay","data":1}""")]
    [InlineData("""{"type":"drawing"}""")]
    [InlineData("""{"type":"clear_all"}""")]
    [InlineData("""{"type":"announcement","text":"x"}""")] // server → client only
    public void Unknown_types_still_give_unknown_type(string json)
    {
        var error = Reject(json);
        Assert.Equal(ErrorCode.UnknownType, error.Code);
        Assert.Contains("relay, draw, clear", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void V1_messages_leave_the_v11_fields_unset()
    {
        var m = Parse("""{"type":"chat","text":"hi"}""");
        Assert.Null(m.To);
        Assert.Null(m.Max);
        Assert.Null(m.Watch);
        Assert.True(m.Data.IsEmpty);
        Assert.Null(m.Points);
        Assert.Equal(default, m.Color);
        Assert.Equal(0f, m.Width);
    }
}
