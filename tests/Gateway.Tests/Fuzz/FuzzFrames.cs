using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Gateway.Tests.Fuzz;

/// <summary>One frame to send: its bytes, text or binary, and how it was made (shown when a case fails).</summary>
internal sealed record FuzzFrame(string Origin, byte[] Bytes, WebSocketMessageType Type)
{
    public static FuzzFrame Text(string origin, string text) => new(origin, Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public override string ToString()
    {
        var kind = Type == WebSocketMessageType.Text ? "text" : "binary";
        var preview = Type == WebSocketMessageType.Text && System.Text.Unicode.Utf8.IsValid(Bytes)
            ? Encoding.UTF8.GetString(Bytes)
            : Convert.ToHexString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 120)));
        if (preview.Length > 240) preview = preview[..240] + "…";
        return $"[{Origin}, {kind}, {Bytes.Length} bytes] {preview}";
    }
}

/// <summary>
/// Generators of fuzz frames. Each case draws a seed from FsCheck and builds its frame from a <see cref="Random"/> on
/// that seed, so a failing run replays from the seed FsCheck prints. No shrinking: the server is stateful.
/// </summary>
internal static class FuzzFrames
{
    /// <summary>Pieces of JSON and things that look like it: structure, names of the protocol, odd literals.</summary>
    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", "\"", ":", ",", " ", "\t", "\n", "\\", "\\u", "\\u0000", "\\ud800", "\\udfff", "//", "/*", "*/",
        "\"type\"", "\"hello\"", "\"time\"", "\"rooms\"", "\"join\"", "\"input\"", "\"chat\"", "\"leave\"", "\"relay\"",
        "\"draw\"", "\"clear\"", "\"name\"", "\"room\"", "\"kind\"", "\"max\"", "\"password\"", "\"seq\"", "\"t\"",
        "\"text\"", "\"to\"", "\"data\"", "\"points\"", "\"color\"", "\"width\"", "\"watch\"", "\"token\"", "\"encoding\"",
        "null", "true", "false", "NaN", "-NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "-0", "0", "1", "2.0",
        "123456789012345678901234567890123456789012345678901234567890", "0x10", "01", ".5", "1.", "+1", "1e", "1E+308",
        "\"\"", "\"a\"", "'single'", "\u00e9", "\u202e", "\u200b", "\ufeff", "\U0001F600", "\0", "undefined",
    ];

    /// <summary>Literals that are not JSON or stretch it: put where a value goes.</summary>
    public static readonly string[] WeirdLiterals =
    [
        "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1E+308", "4.9e-324", "-0", "-0.0", "2.0", "1e2",
        "123456789012345678901234567890", "-9223372036854775809", "9223372036854775808", "18446744073709551616",
        "0.1e1", "1_000", "0x1F", "undefined", "nul", "tru", "\"\\ud800\"", "\"\\u0000\"", "\"\"", "\" \"", "[]", "{}",
        "[[[[[[[[[[]]]]]]]]]]", "{\"a\":{\"b\":{\"c\":{}}}}", "\"" + new string('x', 300) + "\"", "\"\u202e\u200b\"",
        "true", "false", "null", "0", "-1", "1", "1000", "1001", "0.5", "-0.5", "3.14159", "[0,0]", "[1,1,1]", "[\"a\",1]",
        "[1e999,0]", "[0,NaN]", "{\"type\":\"hello\"}",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE], [0xC0, 0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xBF], [0xF0, 0x9F, 0x98],
    ];

    /// <summary>A frame of any length 0–5000 bytes; about one in twelve is over the 4096-byte limit.</summary>
    private static readonly Gen<int> Size = Gen.Frequency(
        (6, Gen.Choose(0, 64)),
        (3, Gen.Choose(65, 1024)),
        (2, Gen.Choose(1025, MaxLegal)),
        (1, Gen.Choose(MaxLegal + 1, 5000)));

    private const int MaxLegal = FuzzSession.MaxFrameBytes;

    private static Gen<FuzzFrame> Seeded(Func<Random, FuzzFrame> build)
        => Gen.Choose(0, int.MaxValue).Select(seed => build(new Random(seed)));

    private static Gen<FuzzFrame> Seeded(Gen<int> size, Func<Random, int, FuzzFrame> build)
        => Gen.Zip(Gen.Choose(0, int.MaxValue), size).Select(p => build(new Random(p.Item1), p.Item2));

    /// <summary>Random bytes, as a text frame (mostly invalid UTF-8) or a binary frame.</summary>
    public static Gen<FuzzFrame> RandomBytes => Seeded(Size, (rnd, size) =>
    {
        var bytes = new byte[size];
        rnd.NextBytes(bytes);
        return new FuzzFrame("random bytes", bytes, rnd.Next(2) == 0 ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
    });

    /// <summary>Random printable text (valid UTF-8, not JSON), as text.</summary>
    public static Gen<FuzzFrame> RandomText => Seeded(Size, (rnd, size) =>
    {
        var text = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(text.ToString()) < size)
        {
            text.Append(rnd.Next(10) switch
            {
                < 7 => ((char)rnd.Next(0x20, 0x7F)).ToString(),
                7 => ((char)rnd.Next(0, 0x20)).ToString(),
                8 => ((char)rnd.Next(0xA0, 0x3000)).ToString(),
                _ => char.ConvertFromUtf32(rnd.Next(0x10000, 0x10FFFF)),
            });
        }
        return FuzzFrame.Text("random text", text.ToString());
    });

    /// <summary>A soup of JSON tokens and protocol names: nearly-JSON, mostly malformed.</summary>
    public static Gen<FuzzFrame> TokenSoup => Seeded(Gen.Choose(0, 400), (rnd, count) =>
    {
        var text = new StringBuilder(rnd.Next(3) == 0 ? "{\"type\":" : "");
        for (var i = 0; i < count; i++) text.Append(Tokens[rnd.Next(Tokens.Length)]);
        return FuzzFrame.Text("token soup", text.ToString());
    });

    /// <summary>Arrays and objects nested 1–800 deep (up to about 5000 bytes) (the parser's limit is 32), closed or not, alone or as a field.</summary>
    public static Gen<FuzzFrame> DeepNesting => Seeded(Gen.Frequency((3, Gen.Choose(1, 64)), (1, Gen.Choose(65, 800))), (rnd, depth) =>
    {
        var open = new StringBuilder();
        var close = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            if (rnd.Next(2) == 0) { open.Append('['); close.Insert(0, ']'); }
            else { open.Append("{\"a\":"); close.Insert(0, '}'); }
        }
        var nest = open + "1" + (rnd.Next(5) == 0 ? "" : close.ToString());
        var key = new[] { "data", "input", "points", "t", "name", "room", "color", "watch", "zz" }[rnd.Next(9)];
        var type = new[] { "relay", "input", "draw", "time", "hello", "join", "chat", "rooms" }[rnd.Next(8)];
        var text = rnd.Next(3) switch
        {
            0 => nest,
            1 => $"{{\"type\":\"{type}\",\"{key}\":{nest}}}",
            _ => $"{{\"{key}\":{nest},\"type\":\"{type}\"}}",
        };
        return FuzzFrame.Text($"nesting {depth}", text);
    });

    /// <summary>A valid message with a repeated key (the last counts, as in JSON.parse), often <c>type</c> itself.</summary>
    public static Gen<FuzzFrame> DuplicateKeys(IReadOnlyList<string> corpus) => Seeded(rnd =>
    {
        var message = corpus[rnd.Next(corpus.Count)];
        var node = JsonNode.Parse(message)!.AsObject();
        var names = node.Select(p => p.Key).ToArray();
        var name = rnd.Next(2) == 0 ? "type" : names[rnd.Next(names.Length)];
        var value = rnd.Next(3) == 0 ? WeirdLiterals[rnd.Next(WeirdLiterals.Length)] : Pick(rnd, corpus, name) ?? "\"x\"";
        var duplicate = $"\"{name}\":{value}";
        var text = rnd.Next(2) == 0 ? "{" + duplicate + "," + message[1..] : message[..^1] + "," + duplicate + "}";
        return FuzzFrame.Text("duplicate key", text);
    });

    /// <summary>A valid message with a field's value replaced by a huge number, a NaN-like literal or another odd value.</summary>
    public static Gen<FuzzFrame> WeirdValues(IReadOnlyList<string> corpus) => Seeded(rnd =>
        FuzzFrame.Text("weird value", Mutations.ReplaceValue(corpus[rnd.Next(corpus.Count)], rnd, WeirdLiterals[rnd.Next(WeirdLiterals.Length)])));

    /// <summary>A valid message with invalid UTF-8 sequences put in (inside strings or anywhere), as a text frame.</summary>
    public static Gen<FuzzFrame> InvalidUtf8Text(IReadOnlyList<string> corpus) => Seeded(rnd =>
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(corpus[rnd.Next(corpus.Count)]));
        for (var n = rnd.Next(1, 4); n > 0; n--) bytes.InsertRange(rnd.Next(bytes.Count + 1), InvalidUtf8[rnd.Next(InvalidUtf8.Length)]);
        return new FuzzFrame("invalid UTF-8", [.. bytes], WebSocketMessageType.Text);
    });

    /// <summary>A valid message sent as a binary frame (JSON connection: bad_request).</summary>
    public static Gen<FuzzFrame> ValidAsBinary(IReadOnlyList<string> corpus) => Seeded(rnd =>
        new FuzzFrame("valid as binary", Encoding.UTF8.GetBytes(corpus[rnd.Next(corpus.Count)]), WebSocketMessageType.Binary));

    /// <summary>Property 1: random and malformed frames of every sort.</summary>
    public static Gen<FuzzFrame> Random(IReadOnlyList<string> corpus) => Gen.Frequency(
        (3, RandomBytes),
        (2, RandomText),
        (3, TokenSoup),
        (2, DeepNesting),
        (2, DuplicateKeys(corpus)),
        (3, WeirdValues(corpus)),
        (2, InvalidUtf8Text(corpus)),
        (1, ValidAsBinary(corpus)));

    /// <summary>
    /// Property 2: a corpus message with 1–4 mutations (characters and structure; one mutation half the time), and one
    /// case in eight the message as it is, so the player joins rooms of every kind and the mutations reach them seated.
    /// </summary>
    public static Gen<FuzzFrame> Mutated(IReadOnlyList<string> corpus) => Seeded(rnd =>
    {
        var text = corpus[rnd.Next(corpus.Count)];
        var applied = new List<string>();
        var mutations = rnd.Next(8) switch { 0 => 0, < 5 => 1, _ => rnd.Next(2, 5) };
        for (var n = mutations; n > 0; n--)
        {
            var (name, mutated) = Mutations.Apply(text, rnd, corpus);
            applied.Add(name);
            text = mutated;
        }
        // One in twenty goes as a binary frame, and a few grow past the frame limit.
        if (rnd.Next(40) == 0) text += new string(' ', MaxLegal);
        var type = rnd.Next(20) == 0 ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        return new FuzzFrame(applied.Count == 0 ? "valid" : "mutated: " + string.Join("+", applied), Encoding.UTF8.GetBytes(text), type);
    });

    /// <summary>A valid binary <c>input</c> (tag 0x81, docs/protocol-binary.md), as the binary encoding's client writes it.</summary>
    private static byte[] ValidBinaryInput(Random rnd)
    {
        var buffer = new byte[BinaryFormat.MaxInputSize];
        var seq = rnd.Next(4) switch { 0 => 0L, 1 => rnd.Next(1, 128), 2 => rnd.Next(128, 1 << 20), _ => long.MaxValue - rnd.Next(1000) };
        var input = new PlayerInput(seq, rnd.NextDouble() * 2e12, (float)(rnd.NextDouble() * 2 - 1), (float)(rnd.NextDouble() * 2 - 1), rnd.Next(2) == 0);
        var length = BinaryMessageWriter.WriteInput(buffer, input);
        return buffer[..length];
    }

    private static readonly byte[][] OddFloats =
    [
        BitConverter.GetBytes(float.NaN), BitConverter.GetBytes(float.PositiveInfinity), BitConverter.GetBytes(float.NegativeInfinity),
        BitConverter.GetBytes(1.0000001f), BitConverter.GetBytes(-1.0000001f), BitConverter.GetBytes(float.Epsilon), BitConverter.GetBytes(-0f),
        BitConverter.GetBytes(double.NaN), BitConverter.GetBytes(double.PositiveInfinity), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
    ];

    /// <summary>
    /// Property 4 (binary connection): binary <c>input</c>s, valid or with bytes flipped, cut, grown, re-tagged, odd
    /// floats or over-long varints written in; also server tags sent back, random binary frames and a few JSON texts.
    /// </summary>
    public static Gen<FuzzFrame> Binary(IReadOnlyList<string> corpus) => Gen.Frequency(
        (1, RandomBytes.Select(f => f with { Type = WebSocketMessageType.Binary })),
        (1, Mutated(corpus)),
        (6, Seeded(rnd =>
        {
            var bytes = new List<byte>(ValidBinaryInput(rnd));
            var applied = new List<string>();
            for (var n = rnd.Next(0, 4); n > 0; n--)
            {
                switch (rnd.Next(7))
                {
                    case 0: bytes[rnd.Next(bytes.Count)] ^= (byte)(1 << rnd.Next(8)); applied.Add("bit"); break;
                    case 1: bytes[rnd.Next(bytes.Count)] = (byte)rnd.Next(256); applied.Add("byte"); break;
                    case 2: bytes.RemoveRange(rnd.Next(bytes.Count), 1); applied.Add("cut"); if (bytes.Count == 0) bytes.Add(0x81); break;
                    case 3: bytes.Insert(rnd.Next(bytes.Count + 1), (byte)rnd.Next(256)); applied.Add("grow"); break;
                    case 4: bytes[0] = new byte[] { 0x00, 0x01, 0x02, 0x80, 0x82, 0xFF, 0x7B }[rnd.Next(7)]; applied.Add("tag"); break;
                    case 5:
                        var odd = OddFloats[rnd.Next(OddFloats.Length)];
                        var at = rnd.Next(bytes.Count);
                        for (var i = 0; i < odd.Length && at + i < bytes.Count; i++) bytes[at + i] = odd[i];
                        applied.Add("odd value");
                        break;
                    default: bytes.AddRange(new byte[rnd.Next(1, 40)]); applied.Add("padding"); break;
                }
            }
            return new FuzzFrame(applied.Count == 0 ? "binary input" : "binary input: " + string.Join("+", applied), [.. bytes], WebSocketMessageType.Binary);
        })));

    /// <summary>The value of <paramref name="name"/> in some corpus message that has it, as JSON text.</summary>
    internal static string? Pick(Random rnd, IReadOnlyList<string> corpus, string name)
    {
        var values = corpus.Select(m => JsonNode.Parse(m)!.AsObject()).Where(o => o.ContainsKey(name)).Select(o => o[name]?.ToJsonString() ?? "null").ToArray();
        return values.Length == 0 ? null : values[rnd.Next(values.Length)];
    }

    /// <summary>An FsCheck arbitrary without shrinking (a stateful server does not replay a smaller case the same way).</summary>
    public static Arbitrary<FuzzFrame> ToArb(this Gen<FuzzFrame> gen) => gen.ToArbitrary();
}
