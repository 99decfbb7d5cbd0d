using System.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol.Tests;

public class ParserTests
{
    private static ClientMessage Parse(string json)
    {
        Assert.True(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error),
            $"expected {json} to parse, got {error.Code}: {error.Message}");
        return message;
    }

    private static ProtocolError Reject(string json)
    {
        Assert.False(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error), $"expected {json} to be rejected");
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    [Fact]
    public void Hello_parses_name_and_optional_token()
    {
        var m = Parse("""{"type":"hello","name":"Ada"}""");
        Assert.Equal(ClientMessageType.Hello, m.Type);
        Assert.Equal("Ada", m.Name);
        Assert.Null(m.Token);

        m = Parse("""{"name":"Bob","token":"p1.secret","type":"hello"}""");
        Assert.Equal("Bob", m.Name);
        Assert.Equal("p1.secret", m.Token);

        Assert.Null(Parse("""{"type":"hello","name":"Bob","token":null}""").Token);
    }

    [Theory]
    [InlineData("""{"type":"hello","name":"Ada"}""", WireEncoding.Json)]
    [InlineData("""{"type":"hello","name":"Ada","encoding":null}""", WireEncoding.Json)]
    [InlineData("""{"type":"hello","name":"Ada","encoding":"json"}""", WireEncoding.Json)]
    [InlineData("""{"type":"hello","encoding":"binary","name":"Ada"}""", WireEncoding.Binary)]
    [InlineData("""{"type":"hello","name":"Ada","encoding":"binary","token":"p1.s"}""", WireEncoding.Binary)]
    public void Hello_encoding_is_json_by_default_or_binary(string json, WireEncoding expected)
    {
        var m = Parse(json);
        Assert.Equal(ClientMessageType.Hello, m.Type);
        Assert.Equal(expected, m.Encoding);
    }

    [Theory]
    [InlineData("""{"type":"hello","name":"Ada","encoding":"xml"}""")]
    [InlineData("""{"type":"hello","name":"Ada","encoding":"Binary"}""")]
    [InlineData("""{"type":"hello","name":"Ada","encoding":""}""")]
    [InlineData("""{"type":"hello","name":"Ada","encoding":1}""")]
    [InlineData("""{"type":"hello","name":"Ada","encoding":true}""")]
    [InlineData("""{"type":"hello","name":"Ada","encoding":["binary"]}""")]
    public void Hello_with_an_unknown_encoding_is_a_bad_request(string json)
    {
        var error = Reject(json);
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.Contains("encoding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hello_name_length_is_1_to_24_chars()
    {
        Assert.Equal(new string('x', 24), Parse($$"""{"type":"hello","name":"{{new string('x', 24)}}"}""").Name);
        Assert.Equal("é", Parse("""{"type":"hello","name":"\u00e9"}""").Name);
        Assert.Equal(ErrorCode.BadRequest, Reject($$"""{"type":"hello","name":"{{new string('x', 25)}}"}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"hello","name":""}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"hello"}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"hello","name":42}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"hello","name":"Ada","token":7}""").Code);
    }

    [Fact]
    public void Time_parses_t()
    {
        var m = Parse("""{"type":"time","t":1700000000123.5}""");
        Assert.Equal(ClientMessageType.Time, m.Type);
        Assert.Equal(1700000000123.5, m.ClientTime);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"time"}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"time","t":"now"}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"time","t":1e999}""").Code);
    }

    [Fact]
    public void Rooms_and_leave_take_no_fields_and_ignore_extras()
    {
        Assert.Equal(ClientMessageType.Rooms, Parse("""{"type":"rooms"}""").Type);
        Assert.Equal(ClientMessageType.Leave, Parse("""{"type":"leave"}""").Type);
        Assert.Equal(ClientMessageType.Leave, Parse("""{"extra":{"deep":[1,2,{"x":null}]},"type":"leave","n":1}""").Type);
    }

    [Fact]
    public void Join_parses_room_kind_default_and_password()
    {
        var m = Parse("""{"type":"join","room":"Lobby_1-a"}""");
        Assert.Equal(ClientMessageType.Join, m.Type);
        Assert.Equal("Lobby_1-a", m.Room);
        Assert.Equal("arena", m.Kind);
        Assert.Null(m.Password);

        m = Parse("""{"type":"join","room":"r","kind":"arena","password":"pw"}""");
        Assert.Equal("r", m.Room);
        Assert.Equal("pw", m.Password);
        Assert.Equal(new string('a', 32), Parse($$"""{"type":"join","room":"{{new string('a', 32)}}"}""").Room);
    }

    [Theory]
    [InlineData("""{"type":"join"}""")]
    [InlineData("""{"type":"join","room":""}""")]
    [InlineData("""{"type":"join","room":"has space"}""")]
    [InlineData("""{"type":"join","room":"dot.ted"}""")]
    [InlineData("""{"type":"join","room":"caf\u00e9"}""")]
    [InlineData("""{"type":"join","room":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""")]
    [InlineData("""{"type":"join","room":5}""")]
    [InlineData("""{"type":"join","room":"r","kind":1}""")]
    [InlineData("""{"type":"join","room":"r","kind":""}""")]
    [InlineData("""{"type":"join","room":"r","password":false}""")]
    public void Join_rejects_bad_fields(string json) => Assert.Equal(ErrorCode.BadRequest, Reject(json).Code);

    [Fact]
    public void Input_parses_all_fields()
    {
        var m = Parse("""{"type":"input","seq":7,"time":1234.5,"input":[1,-0.5],"attack":true}""");
        Assert.Equal(ClientMessageType.Input, m.Type);
        Assert.Equal(new PlayerInput(7, 1234.5, 1f, -0.5f, true), m.Input);

        m = Parse("""{"input":[-1,0],"seq":0,"type":"input","time":0}""");
        Assert.Equal(new PlayerInput(0, 0, -1f, 0f, false), m.Input);
        Assert.False(Parse("""{"type":"input","seq":1,"time":1,"input":[0,0],"attack":false}""").Input.Attack);
    }

    [Theory]
    [InlineData("""{"type":"input","time":1,"input":[0,0]}""")] // no seq
    [InlineData("""{"type":"input","seq":-1,"time":1,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1.5,"time":1,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":"1","time":1,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1e30,"time":1,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"input":[0,0]}""")] // no time
    [InlineData("""{"type":"input","seq":1,"time":"x","input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1e999,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1}""")] // no input
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":{"x":0,"y":0}}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[1.01,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,-1.5]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[1e999,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,-1e999]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":["0",0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[null,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],"attack":1}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],"attack":"yes"}""")]
    public void Input_rejects_bad_fields(string json) => Assert.Equal(ErrorCode.BadRequest, Reject(json).Code);

    [Fact]
    public void Chat_text_is_1_to_200_chars()
    {
        var m = Parse("""{"type":"chat","text":"hi all"}""");
        Assert.Equal(ClientMessageType.Chat, m.Type);
        Assert.Equal("hi all", m.Text);
        Assert.Equal(200, Parse($$"""{"type":"chat","text":"{{new string('z', 200)}}"}""").Text!.Length);
        Assert.Equal(ErrorCode.BadRequest, Reject($$"""{"type":"chat","text":"{{new string('z', 201)}}"}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"chat","text":""}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"chat"}""").Code);
        Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"chat","text":["a"]}""").Code);
    }

    [Fact]
    public void Type_may_appear_anywhere_and_unknown_properties_are_ignored()
    {
        var m = Parse("""{"seq":3,"input":[0.25,1],"ext":{"a":[1,{"type":"chat"}]},"time":9,"type":"input","name":5}""");
        Assert.Equal(ClientMessageType.Input, m.Type);
        Assert.Equal(new PlayerInput(3, 9, 0.25f, 1f, false), m.Input);
    }

    [Theory]
    [InlineData("""{"type":"fly"}""")]
    [InlineData("""{"type":"Hello","name":"x"}""")]
    [InlineData("""{"type":"","x":1}""")]
    public void Unknown_type_gives_unknown_type(string json) => Assert.Equal(ErrorCode.UnknownType, Reject(json).Code);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("""{"type":"leave",}""")]
    [InlineData("""{"type":"leave"} {"type":"leave"}""")]
    [InlineData("""{"type":"leave"}x""")]
    [InlineData("""[{"type":"leave"}]""")]
    [InlineData("\"leave\"")]
    [InlineData("null")]
    [InlineData("""{"name":"x"}""")] // missing type
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":null}""")]
    [InlineData("""{"type":"leave" /* c */}""")]
    [InlineData("""{'type':'leave'}""")]
    public void Malformed_or_typeless_frames_give_bad_request(string json) => Assert.Equal(ErrorCode.BadRequest, Reject(json).Code);

    [Fact]
    public void Malformed_json_wins_over_unknown_type()
        => Assert.Equal(ErrorCode.BadRequest, Reject("""{"type":"fly","x":[1,}""").Code);

    [Fact]
    public void Invalid_utf8_is_a_bad_request()
    {
        byte[] frame = [.. "{\"type\":\"chat\",\"text\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.False(ClientMessageParser.TryParse(frame, out _, out var error));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }

    [Fact]
    public void Whitespace_around_the_object_is_fine()
        => Assert.Equal(ClientMessageType.Rooms, Parse(" \n{ \"type\" : \"rooms\" }\r\n ").Type);

    [Fact]
    public void Parsing_an_input_allocates_nothing()
    {
        var frame = """{"type":"input","seq":12345,"time":1700000000000.25,"input":[0.5,-1],"attack":true,"x":{"y":[1,2]}}"""u8.ToArray();
        Assert.True(ClientMessageParser.TryParse(frame, out _, out _)); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) ClientMessageParser.TryParse(frame, out _, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
