using System.Globalization;
using System.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol.Tests;

/// <summary>
/// The one-pass reader of plain inputs (<c>ClientMessageParser.TryReadPlainInput</c>) against the general two-pass parser:
/// it must take what the known clients send, and whatever it takes the general parser must read the same; what it
/// declines the general parser decides (the result of <see cref="ClientMessageParser.TryParse"/> is then the general one).
/// </summary>
public sealed class PlainInputTests
{
    [Theory]
    // The load tester (LoadTest/Encoding/JsonBotCodec.EncodeInput: "0.###" components, attack only when true).
    [InlineData("""{"type":"input","seq":1234,"time":1795000000123.5,"input":[0.707,-0.707],"attack":true}""")]
    [InlineData("""{"type":"input","seq":1,"time":31.25,"input":[-0,1]}""")]
    // The web client (JSON.stringify of { type, seq, time, input: [x, y], attack? }).
    [InlineData("""{"type":"input","seq":42,"time":1795000000123,"input":[0.7071,-0.7071],"attack":true}""")]
    [InlineData("""{"type":"input","seq":0,"time":0,"input":[1e-7,-1]}""")]
    // Written by hand: whitespace, any order, extensions, a repeated field (the last wins).
    [InlineData(" {\r\n\t\"input\" : [ 0.25 , 1 ] , \"seq\":3, \"ext\":\"x\", \"n\":null, \"t\":true, \"f\":false, \"v\":-1.5E+3, \"time\":9, \"type\":\"input\", \"seq\":4 } \n")]
    public void The_known_clients_inputs_are_read_in_one_pass_as_the_general_parser_reads_them(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(ClientMessageParser.TryReadPlainInput(bytes, out var plain), json);
        Assert.True(ClientMessageParser.TryParseGeneral(bytes, out var general, out _), json);
        Assert.Equal(ClientMessageType.Input, general.Type);
        Assert.Equal(general.Input, plain);
    }

    [Theory]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],"ext":{"a":1}}""")] // a nested value
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],"ext":[1]}""")]
    [InlineData("""{"type":"inp\u0075t","seq":1,"time":1,"input":[0,0]}""")] // an escape
    [InlineData("""{"type":"input","s\u0065q":1,"time":1,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],"name":"café"}""")] // not ASCII
    [InlineData("""{"type":"join","room":"r"}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],"type":"chat"}""")]
    [InlineData("""{"type":"input","seq":01,"time":1,"input":[0,0]}""")] // not JSON numbers
    [InlineData("""{"type":"input","seq":1,"time":.5,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1.,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":+1,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1e,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":NaN,"input":[0,0]}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0]} x""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],}""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0]""")]
    [InlineData("""{"type":"input","seq":1,"time":1,"input":[0,0],"attack":tru}""")]
    public void What_it_does_not_decide_is_left_to_the_general_parser(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.False(ClientMessageParser.TryReadPlainInput(bytes, out _), json);
        AssertSameAsGeneral(bytes);
    }

    [Fact]
    public void On_generated_frames_it_never_disagrees_with_the_general_parser()
    {
        var random = new Random(20261130);
        var taken = 0;
        for (var n = 0; n < 40_000; n++)
        {
            var bytes = Encoding.UTF8.GetBytes(GenerateFrame(random));
            if (ClientMessageParser.TryReadPlainInput(bytes, out _)) taken++;
            AssertSameAsGeneral(bytes);
        }
        // The generator makes valid plain inputs often enough that both sides of the reader are exercised.
        Assert.InRange(taken, 2_000, 38_000);
    }

    /// <summary><see cref="ClientMessageParser.TryParse"/> gives what the general parser gives, and the one-pass reader, when it takes the frame, the same input.</summary>
    private static void AssertSameAsGeneral(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var general = ClientMessageParser.TryParseGeneral(bytes, out var expected, out var expectedError);
        var parsed = ClientMessageParser.TryParse(bytes, out var actual, out var actualError);
        Assert.True(general == parsed, $"{text}: general {general} ({expectedError.Code}), TryParse {parsed}");
        Assert.Equal(expectedError, actualError);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Input, actual.Input);
        if (ClientMessageParser.TryReadPlainInput(bytes, out var plain))
        {
            Assert.True(general && expected.Type == ClientMessageType.Input, $"{text}: taken by the one-pass reader, refused by the general parser");
            Assert.Equal(expected.Input, plain);
        }
    }

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "7", "-1", "0.5", "-0.5", "1.0", "0.7071", "-0.999", "1e-7", "1E2", "2e+1", "-1.5E-3", "1.01",
        "1795000000123.5", "9007199254740993", "9223372036854775807", "9223372036854775808", "1e999", "-1e999",
        "01", ".5", "1.", "+1", "1e", "-", "0x10", "NaN", "Infinity", "1.5.2", "1e5e5", "00", "-01",
    ];

    private static readonly string[] Others =
    [
        "null", "true", "false", "tru", "nul", "\"x\"", "\"\"", "\"caf\u00e9\"", "\"a\\\"b\"", "\"\\u0041\"", "[]", "[0,0]",
        "[0]", "[0,0,0]", "{}", "{\"a\":[1,{\"type\":\"chat\"}]}", "\"input\"", "\"join\"", "5",
    ];

    private static readonly string[] Names = ["type", "seq", "time", "input", "attack", "ext", "name", "t\\u0079pe", "s\\u0065q"];

    private static readonly string[] Spaces = ["", "", "", "", "", "", "", " ", "\n", "\t", " \r\n "];

    /// <summary>An input-like frame: mostly valid plain inputs, with values, names, spacing and structure varied or broken at random.</summary>
    private static string GenerateFrame(Random random)
    {
        string Pick(string[] from) => from[random.Next(from.Length)];
        string Space() => random.Next(400) == 0 ? "\u00a0" : Pick(Spaces); // now and then a space JSON does not allow
        string Number() => random.Next(3) == 0
            ? Pick(Numbers)
            : (random.NextDouble() * 2.2 - 1.1).ToString(random.Next(2) == 0 ? "0.###" : "R", CultureInfo.InvariantCulture);
        string Value(string name) => random.Next(8) == 0 ? Pick(random.Next(2) == 0 ? Numbers : Others) : name switch
        {
            "type" => random.Next(10) == 0 ? Pick(["\"join\"", "\"chat\"", "\"inputs\"", "5", "null"]) : "\"input\"",
            "seq" => random.Next(4) == 0 ? Pick(Numbers) : random.NextInt64(0, 1L << 40).ToString(CultureInfo.InvariantCulture),
            "time" => random.Next(4) == 0 ? Pick(Numbers) : (random.NextDouble() * 2e12).ToString("R", CultureInfo.InvariantCulture),
            "input" => random.Next(6) == 0 ? Pick(Others) : $"[{Space()}{Number()}{Space()},{Space()}{Number()}{Space()}]",
            "attack" => Pick(["true", "false", "null", "1", "\"yes\""]),
            _ => Pick(random.Next(2) == 0 ? Numbers : Others),
        };

        var properties = new List<string>();
        foreach (var name in new[] { "type", "seq", "time", "input" })
        {
            if (random.Next(12) != 0) properties.Add(name);
        }
        if (random.Next(3) == 0) properties.Add("attack");
        var extra = random.Next(4) == 0 ? random.Next(1, 3) : 0;
        for (var k = 0; k < extra; k++) properties.Add(Pick(Names));
        if (random.Next(6) == 0) properties.Add(Pick(Names)); // a repeated or an extra property
        var shuffled = properties.OrderBy(_ => random.Next()).ToList();

        var sb = new StringBuilder();
        sb.Append(Space()).Append('{').Append(Space());
        for (var k = 0; k < shuffled.Count; k++)
        {
            if (k > 0) sb.Append(Space()).Append(random.Next(60) == 0 ? "" : ",").Append(Space());
            sb.Append('"').Append(shuffled[k]).Append('"').Append(Space()).Append(random.Next(60) == 0 ? "" : ":").Append(Space());
            sb.Append(Value(shuffled[k]));
        }
        if (random.Next(40) == 0) sb.Append(',');
        sb.Append(Space()).Append(random.Next(40) == 0 ? "" : "}").Append(Space());
        if (random.Next(40) == 0) sb.Append(Pick(["x", "{}", "1", "}"]));
        var frame = sb.ToString();
        // Now and then cut the frame short.
        return random.Next(40) == 0 && frame.Length > 1 ? frame[..random.Next(1, frame.Length)] : frame;
    }
}
