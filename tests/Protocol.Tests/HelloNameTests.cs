using System.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol.Tests;

/// <summary><c>hello.name</c>: NFC, no control or format characters, not blank (shared protocol.md v1.1 hardening).</summary>
public class HelloNameTests
{
    private static bool TryParse(string json, out ClientMessage message, out ProtocolError error)
        => ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out message, out error);

    [Fact]
    public void Name_is_normalised_to_NFC()
    {
        // "e" + combining acute accent (U+0301) becomes the single code point é (U+00E9).
        Assert.True(TryParse("""{"type":"hello","name":"Ade\u0301le"}""", out var m, out _));
        Assert.Equal("Ad\u00e9le", m.Name);
        // Hangul jamo compose into a syllable; marks are put in canonical order first (dot below before the circumflex).
        Assert.True(TryParse("""{"type":"hello","name":"\u1112\u1161\u11AB"}""", out m, out _));
        Assert.Equal("\uD55C", m.Name);
        Assert.True(TryParse("""{"type":"hello","name":"a\u0302\u0323"}""", out m, out _));
        Assert.Equal("\u1EAD", m.Name);
        // Already NFC: unchanged (also the same instance for text below U+0300).
        Assert.True(TryParse("""{"type":"hello","name":"Zo\u00eb Ann"}""", out m, out _));
        Assert.Equal("Zo\u00eb Ann", m.Name);
    }

    [Fact]
    public void Length_counts_after_normalising()
    {
        // 24 × (e + U+0301) is 48 code units as sent but 24 after NFC: accepted; 25 are not.
        var decomposed = string.Concat(Enumerable.Repeat("e\\u0301", 24));
        Assert.True(TryParse($$"""{"type":"hello","name":"{{decomposed}}"}""", out var m, out _));
        Assert.Equal(new string('\u00e9', 24), m.Name);
        Assert.False(TryParse($$"""{"type":"hello","name":"{{decomposed}}e\u0301"}""", out _, out var error));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }

    [Theory]
    [InlineData("""{"type":"hello","name":"evil\u202Eoll"}""")] // right-to-left override (Cf)
    [InlineData("""{"type":"hello","name":"a\u200Bb"}""")]      // zero-width space (Cf)
    [InlineData("""{"type":"hello","name":"a\u200Db"}""")]      // zero-width joiner (Cf)
    [InlineData("""{"type":"hello","name":"\uFEFFAda"}""")]     // BOM / zero-width no-break space (Cf)
    [InlineData("""{"type":"hello","name":"a\u2066b"}""")]      // left-to-right isolate (Cf)
    [InlineData("""{"type":"hello","name":"a\u0000b"}""")]      // NUL (Cc)
    [InlineData("""{"type":"hello","name":"a\nb"}""")]          // line feed (Cc)
    [InlineData("""{"type":"hello","name":"a\u007Fb"}""")]      // DEL (Cc)
    [InlineData("""{"type":"hello","name":"a\u0085b"}""")]      // NEL (Cc)
    public void Control_and_format_characters_are_a_bad_request(string json)
    {
        Assert.False(TryParse(json, out _, out var error));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.Contains("control or format", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"hello","name":" "}""")]
    [InlineData("""{"type":"hello","name":"   \t"}""")]
    [InlineData("""{"type":"hello","name":"\u3000\u00A0"}""")] // ideographic and no-break spaces
    public void Blank_name_is_a_bad_request(string json)
    {
        Assert.False(TryParse(json, out _, out var error));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Blank_message_names_blank()
    {
        Assert.False(TryParse("""{"type":"hello","name":"  "}""", out _, out var error));
        Assert.Contains("blank", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inner_spaces_emoji_and_other_scripts_are_fine()
    {
        Assert.True(TryParse("""{"type":"hello","name":"Ada Lovelace"}""", out var m, out _));
        Assert.Equal("Ada Lovelace", m.Name);
        Assert.True(TryParse("""{"type":"hello","name":"\uD83D\uDE00 \u6F22\u5B57"}""", out m, out _));
        Assert.Equal("\U0001F600 \u6F22\u5B57", m.Name);
    }

    [Fact]
    public void Unpaired_surrogate_is_a_bad_request()
    {
        Assert.False(TryParse("""{"type":"hello","name":"a\uD800b"}""", out _, out var error));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }
}
