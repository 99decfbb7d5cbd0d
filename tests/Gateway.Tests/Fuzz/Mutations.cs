using System.Text.Json;
using System.Text.Json.Nodes;

namespace Game.Gateway.Tests.Fuzz;

/// <summary>
/// Mutations of a message's text: characters (flip, insert, delete, duplicate, truncate) and structure (a field's type
/// changed, a field dropped, an unknown field added, the message nested). Structural ones fall back to a character
/// mutation once the text no longer parses.
/// </summary>
internal static class Mutations
{
    private const string Placeholder = "__fuzz_value__";

    private static readonly string[] Inserts =
    [
        "{", "}", "[", "]", "\"", ":", ",", "\\", " ", "\0", "\n", "0", "-", ".", "e", "9", "\u00e9", "\u202e", "\U0001F600",
        "null", "true", ",\"x\":1", "\"type\":\"chat\",", "1e999", "NaN",
    ];

    /// <summary>Applies one random mutation; returns its name and the new text.</summary>
    public static (string Name, string Text) Apply(string text, Random rnd, IReadOnlyList<string> corpus)
    {
        switch (rnd.Next(11))
        {
            case 0: return ("flip", Flip(text, rnd));
            case 1: return ("insert", Insert(text, rnd));
            case 2: return ("delete", Delete(text, rnd));
            case 3: return ("duplicate", Duplicate(text, rnd));
            case 4: return ("truncate", text.Length == 0 ? text : text[..rnd.Next(text.Length)]);
            case 5:
            case 6: return Structural("retype", text, rnd, o => Retype(o, rnd));
            case 7: return Structural("drop", text, rnd, o => Drop(o, rnd));
            case 8: return Structural("unknown field", text, rnd, o => AddUnknown(o, rnd, corpus));
            case 9: return Structural("other type", text, rnd, o => OtherType(o, rnd, corpus));
            default: return Structural("swap field", text, rnd, o => Borrow(o, rnd, corpus));
        }
    }

    /// <summary>The text with one top-level field's value (or a new field's) set to <paramref name="literal"/>, written as is.</summary>
    public static string ReplaceValue(string text, Random rnd, string literal)
    {
        var node = JsonNode.Parse(text)!.AsObject();
        var names = node.Select(p => p.Key).ToArray();
        var name = rnd.Next(6) == 0 || names.Length == 0 ? "zz" + rnd.Next(100) : names[rnd.Next(names.Length)];
        node[name] = Placeholder;
        return node.ToJsonString().Replace($"\"{Placeholder}\"", literal, StringComparison.Ordinal);
    }

    private static string Flip(string text, Random rnd)
    {
        if (text.Length == 0) return Insert(text, rnd);
        var i = rnd.Next(text.Length);
        var replacement = rnd.Next(3) == 0 ? (char)rnd.Next(0, 0x80) : Inserts[rnd.Next(Inserts.Length)][0];
        return text[..i] + replacement + text[(i + 1)..];
    }

    private static string Insert(string text, Random rnd)
    {
        var i = rnd.Next(text.Length + 1);
        return text[..i] + Inserts[rnd.Next(Inserts.Length)] + text[i..];
    }

    private static string Delete(string text, Random rnd)
    {
        if (text.Length == 0) return text;
        var i = rnd.Next(text.Length);
        var n = Math.Min(text.Length - i, rnd.Next(1, 8));
        return text[..i] + text[(i + n)..];
    }

    private static string Duplicate(string text, Random rnd)
    {
        if (text.Length == 0) return text;
        var i = rnd.Next(text.Length);
        var n = Math.Min(text.Length - i, rnd.Next(1, 40));
        var piece = text.Substring(i, n);
        var times = rnd.Next(1, rnd.Next(4) == 0 ? 60 : 3);
        return text[..i] + string.Concat(Enumerable.Repeat(piece, times)) + text[i..];
    }

    private static (string, string) Structural(string name, string text, Random rnd, Func<JsonObject, string> mutate)
    {
        try
        {
            var node = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
            return (name, mutate(node));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not (or no longer) a JSON object System.Text.Json can rewrite: a repeated key, a lone surrogate escape, …
            return ("flip", Flip(text, rnd));
        }
    }

    /// <summary>A field (type included) gets a value of another JSON type, or an odd literal.</summary>
    private static string Retype(JsonObject node, Random rnd)
    {
        JsonNode? value = rnd.Next(9) switch
        {
            0 => "string",
            1 => "",
            2 => rnd.Next(-5, 2000),
            3 => rnd.NextDouble() * 2000 - 1000,
            4 => rnd.Next(2) == 0,
            5 => null,
            6 => new JsonArray(1, "a", null, new JsonArray()),
            7 => new JsonObject { ["type"] = "hello", ["n"] = 1 },
            _ => new string('w', rnd.Next(1, 300)),
        };
        if (rnd.Next(4) == 0) return ReplaceValue(node.ToJsonString(), rnd, FuzzFrames.WeirdLiterals[rnd.Next(FuzzFrames.WeirdLiterals.Length)]);
        var names = node.Select(p => p.Key).ToArray();
        if (names.Length == 0) return node.ToJsonString();
        node[names[rnd.Next(names.Length)]] = value;
        return node.ToJsonString();
    }

    private static string Drop(JsonObject node, Random rnd)
    {
        var names = node.Select(p => p.Key).ToArray();
        if (names.Length > 0) node.Remove(names[rnd.Next(names.Length)]);
        return node.ToJsonString();
    }

    private static string AddUnknown(JsonObject node, Random rnd, IReadOnlyList<string> corpus)
    {
        var name = new[] { "zz", "Type", "TYPE", "type ", "", "\u0000", "__proto__", "constructor", "id", "from", "by" }[rnd.Next(11)] + (rnd.Next(3) == 0 ? rnd.Next(10).ToString() : "");
        if (node.ContainsKey(name)) name += "_";
        node[name] = Placeholder;
        var literal = rnd.Next(2) == 0 ? FuzzFrames.WeirdLiterals[rnd.Next(FuzzFrames.WeirdLiterals.Length)] : corpus[rnd.Next(corpus.Count)];
        return node.ToJsonString().Replace($"\"{Placeholder}\"", literal, StringComparison.Ordinal);
    }

    /// <summary>The message's fields under another type (an input's fields as a draw, …).</summary>
    private static string OtherType(JsonObject node, Random rnd, IReadOnlyList<string> corpus)
    {
        var types = corpus.Select(m => JsonNode.Parse(m)!["type"]!.GetValue<string>()).Distinct().Append("teleport").Append("HELLO").ToArray();
        node["type"] = types[rnd.Next(types.Length)];
        return node.ToJsonString();
    }

    /// <summary>A field of another corpus message added or put in place of one (a chat with points, a join with seq…).</summary>
    private static string Borrow(JsonObject node, Random rnd, IReadOnlyList<string> corpus)
    {
        var other = JsonNode.Parse(corpus[rnd.Next(corpus.Count)])!.AsObject();
        var fields = other.Where(p => p.Key != "type").Select(p => p.Key).ToArray();
        if (fields.Length == 0) return node.ToJsonString();
        var field = fields[rnd.Next(fields.Length)];
        node[field] = other[field]?.DeepClone();
        return node.ToJsonString();
    }
}
