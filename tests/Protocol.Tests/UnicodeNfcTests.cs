namespace Game.Protocol.Tests;

/// <summary>
/// <see cref="UnicodeNfc"/> against cases from the Unicode normalisation test data (UAX #15) and a check that the
/// runtime's own normaliser is off here (why the project has its own).
/// </summary>
public class UnicodeNfcTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("plain ASCII", "plain ASCII")]
    [InlineData("e\u0301", "\u00e9")]                    // compose
    [InlineData("\u00e9", "\u00e9")]                     // already composed
    [InlineData("\u212B", "\u00C5")]                     // singleton: ANGSTROM SIGN → Å
    [InlineData("\u2126", "\u03A9")]                     // OHM SIGN → Ω
    [InlineData("A\u030A\u0301", "\u01FA")]              // two steps
    [InlineData("a\u0323\u0302", "\u1EAD")]              // marks in either order
    [InlineData("a\u0302\u0323", "\u1EAD")]
    [InlineData("\u1E0B\u0323", "\u1E0D\u0307")]         // d + dot above + dot below: reordered, recomposed
    [InlineData("q\u0307\u0323", "q\u0323\u0307")]       // no composite: only reordered
    [InlineData("\u0958", "\u0915\u093C")]               // composition exclusion stays decomposed
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]         // Hangul L V T
    [InlineData("\uAC00\u11A8", "\uAC01")]               // Hangul LV + T
    [InlineData("e\u0300\u0301", "\u00E8\u0301")]        // second mark of the same class is blocked
    [InlineData("\uD83D\uDE00e\u0301", "\uD83D\uDE00\u00e9")] // supplementary characters pass through
    [InlineData("\uFB01", "\uFB01")]                     // compatibility ligature: NFC keeps it (NFKC would not)
    public void Normalizes_to_NFC(string input, string expected) => Assert.Equal(expected, UnicodeNfc.Normalize(input));

    [Fact]
    public void Combining_classes()
    {
        Assert.Equal(0, UnicodeNfc.CombiningClass('a'));
        Assert.Equal(230, UnicodeNfc.CombiningClass(0x0301));
        Assert.Equal(220, UnicodeNfc.CombiningClass(0x0323));
        Assert.Equal(7, UnicodeNfc.CombiningClass(0x093C));
    }

    [Fact]
    public void Unpaired_surrogates_are_refused() => Assert.Throws<ArgumentException>(() => UnicodeNfc.Normalize("a\uD800b\u0301"));

    [Fact]
    public void The_runtime_normaliser_is_off_under_invariant_globalization()
    {
        // If this starts failing, globalization was turned on and string.Normalize could be used instead.
        Assert.Equal("e\u0301", "e\u0301".Normalize(System.Text.NormalizationForm.FormC));
    }
}
