using System.Buffers.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol;

public static partial class ClientMessageParser
{
    /// <summary>
    /// Reads an <c>input</c> written plainly, in one pass over its bytes, without <see cref="System.Text.Json.Utf8JsonReader"/>:
    /// the gateway reads one per player 20 times a second (docs/performance.md, issue 11, "Tenth pass").
    /// </summary>
    /// <remarks>
    /// <para>Plain: one JSON object whose property names and string values are printable ASCII with no escapes, and whose
    /// other properties hold a number, a plain string, <c>true</c>, <c>false</c> or <c>null</c>. Every client we know of
    /// writes its inputs so (the web client, the load tester).</para>
    /// <para>It decides only what it can decide exactly as <see cref="TryParse"/>'s two passes would: true means the
    /// frame is a valid input and <paramref name="input"/> is what they would return. False means only "not decided
    /// here" (not plain, not an input, or invalid in any way), and the caller parses the frame the general way, which
    /// gives the result and, for a bad frame, the error. Numbers go through the same <see cref="Utf8Parser"/> calls
    /// as <c>Utf8JsonReader.TryGetInt64</c> and <c>TryGetDouble</c>, after the token is checked against JSON's number
    /// grammar. Tests: <c>PlainInputTests</c> (Protocol.Tests) hold it to the general parser on generated frames.</para>
    /// <para>Public for the gateway's epoll loop, which takes inputs as it reads them and leaves every other frame to the
    /// connection's receive loop: asking this reader first costs a declined frame next to nothing, where
    /// <see cref="TryParse"/> would parse it for the receive loop to parse again.</para>
    /// </remarks>
    /// <param name="utf8Json">The frame's bytes.</param>
    /// <param name="input">The input, when the result is true.</param>
    /// <returns>True when the frame is a plain, valid <c>input</c>.</returns>
    public static bool TryReadPlainInput(ReadOnlySpan<byte> utf8Json, out PlayerInput input)
    {
        input = default;
        var s = utf8Json;
        var i = SkipWhitespace(s, 0);
        if (i >= s.Length || s[i] != (byte)'{') return false;
        i = SkipWhitespace(s, i + 1);

        var isInput = false;
        long seq = 0;
        double time = 0, vx = 0, vy = 0;
        bool hasSeq = false, hasTime = false, hasDirection = false, attack = false;
        while (true)
        {
            if (!TryReadPlainString(s, ref i, out var name)) return false;
            i = SkipWhitespace(s, i);
            if (i >= s.Length || s[i] != (byte)':') return false;
            i = SkipWhitespace(s, i + 1);

            if (name.SequenceEqual("type"u8))
            {
                // A type other than input (even one a later "type" would replace) is left to the general parser.
                if (!TryReadPlainString(s, ref i, out var type) || !type.SequenceEqual("input"u8)) return false;
                isInput = true;
            }
            else if (name.SequenceEqual("seq"u8))
            {
                if (!TryReadNumber(s, ref i, out var token)
                    || !Utf8Parser.TryParse(token, out long value, out var used) || used != token.Length || value < 0)
                {
                    return false;
                }
                seq = value;
                hasSeq = true;
            }
            else if (name.SequenceEqual("time"u8))
            {
                if (!TryReadFinite(s, ref i, out time)) return false;
                hasTime = true;
            }
            else if (name.SequenceEqual("input"u8))
            {
                if (i >= s.Length || s[i] != (byte)'[') return false;
                i = SkipWhitespace(s, i + 1);
                if (!TryReadFinite(s, ref i, out vx) || vx is < -1 or > 1) return false;
                i = SkipWhitespace(s, i);
                if (i >= s.Length || s[i] != (byte)',') return false;
                i = SkipWhitespace(s, i + 1);
                if (!TryReadFinite(s, ref i, out vy) || vy is < -1 or > 1) return false;
                i = SkipWhitespace(s, i);
                if (i >= s.Length || s[i] != (byte)']') return false;
                i++;
                hasDirection = true;
            }
            else if (name.SequenceEqual("attack"u8))
            {
                if (TryReadLiteral(s, ref i, "true"u8)) attack = true;
                else if (TryReadLiteral(s, ref i, "false"u8) || TryReadLiteral(s, ref i, "null"u8)) attack = false;
                else return false;
            }
            else if (!TrySkipScalar(s, ref i))
            {
                return false;
            }

            i = SkipWhitespace(s, i);
            if (i >= s.Length) return false;
            if (s[i] == (byte)',')
            {
                i = SkipWhitespace(s, i + 1);
                continue;
            }
            if (s[i] != (byte)'}') return false;
            i++;
            break;
        }

        if (SkipWhitespace(s, i) != s.Length || !isInput || !hasSeq || !hasTime || !hasDirection) return false;
        input = new PlayerInput(seq, time, (float)vx, (float)vy, attack);
        return true;
    }

    /// <summary>The index of the first byte at or after <paramref name="i"/> that is not JSON whitespace (space, tab, LF, CR).</summary>
    private static int SkipWhitespace(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') i++;
        return i;
    }

    /// <summary>A string at <paramref name="i"/> of printable ASCII with no escape; <paramref name="i"/> moves past its closing quote.</summary>
    private static bool TryReadPlainString(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (i >= s.Length || s[i] != (byte)'"') return false;
        var start = i + 1;
        var end = start;
        while (true)
        {
            if (end >= s.Length) return false;
            var b = s[end];
            if (b == (byte)'"') break;
            if (b is < 0x20 or > 0x7E or (byte)'\\') return false;
            end++;
        }
        value = s[start..end];
        i = end + 1;
        return true;
    }

    /// <summary>A number at <paramref name="i"/> that follows JSON's grammar (<c>-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?</c>).</summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> token)
    {
        token = default;
        var start = i;
        var j = i;
        if (j < s.Length && s[j] == (byte)'-') j++;
        if (j >= s.Length) return false;
        if (s[j] == (byte)'0') j++;
        else if (s[j] is >= (byte)'1' and <= (byte)'9') j = SkipDigits(s, j + 1);
        else return false;
        if (j < s.Length && s[j] == (byte)'.')
        {
            var digits = j + 1;
            j = SkipDigits(s, digits);
            if (j == digits) return false;
        }
        if (j < s.Length && s[j] is (byte)'e' or (byte)'E')
        {
            j++;
            if (j < s.Length && s[j] is (byte)'+' or (byte)'-') j++;
            var digits = j;
            j = SkipDigits(s, digits);
            if (j == digits) return false;
        }
        token = s[start..j];
        i = j;
        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9') i++;
        return i;
    }

    /// <summary>A number at <paramref name="i"/> read as a finite double, as <see cref="TryGetFinite"/> reads one.</summary>
    private static bool TryReadFinite(ReadOnlySpan<byte> s, ref int i, out double value)
    {
        value = 0;
        return TryReadNumber(s, ref i, out var token)
            && Utf8Parser.TryParse(token, out value, out var used) && used == token.Length && double.IsFinite(value);
    }

    private static bool TryReadLiteral(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!s[i..].StartsWith(literal)) return false;
        i += literal.Length;
        return true;
    }

    /// <summary>Skips a value at <paramref name="i"/> that is a number, a plain string, <c>true</c>, <c>false</c> or <c>null</c>.</summary>
    private static bool TrySkipScalar(ReadOnlySpan<byte> s, ref int i)
    {
        if (i >= s.Length) return false;
        return s[i] switch
        {
            (byte)'"' => TryReadPlainString(s, ref i, out _),
            (byte)'t' => TryReadLiteral(s, ref i, "true"u8),
            (byte)'f' => TryReadLiteral(s, ref i, "false"u8),
            (byte)'n' => TryReadLiteral(s, ref i, "null"u8),
            _ => TryReadNumber(s, ref i, out _),
        };
    }
}
