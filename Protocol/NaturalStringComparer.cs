namespace Game.Protocol;

/// <summary>
/// Orders strings in natural order: runs of ASCII digits compare by their numeric value, so <c>r2</c> sorts before
/// <c>r10</c>. The order of the <c>rooms</c> list (shared protocol.md v1.1, "Joining with options": entries sorted by
/// <c>id</c> in natural order).
/// </summary>
/// <remarks>
/// <para>
/// The strings are compared as sequences of tokens, left to right: a maximal run of ASCII digits <c>0-9</c> is one
/// token with the run's numeric value (any length: compared without parsing, so it never overflows); every other
/// char is a token of its own, compared ignoring ASCII/invariant case. A digit token against a char token compares
/// as the run's first digit against that char. A string that is a prefix of the other, token-wise, comes first.
/// </para>
/// <para>
/// Strings equal under these rules (<c>r01</c> and <c>r1</c>, <c>Ab</c> and <c>aB</c>) are ordered by their first
/// difference: the shorter digit run (fewer leading zeros) first, then the char with the lower UTF-16 code (so
/// upper case before lower case). Only identical strings compare equal: the order is total and sorting with it is
/// deterministic. <c>null</c> sorts before every string. Allocates nothing.
/// </para>
/// <para>Examples, in order: <c>r1</c>, <c>r01</c>, <c>r2</c>, <c>R10</c>, <c>r10</c>, <c>r10a</c>, <c>r10b</c>, <c>ra</c>.</para>
/// </remarks>
public sealed class NaturalStringComparer : IComparer<string?>
{
    /// <summary>The one instance (the comparer has no state).</summary>
    public static NaturalStringComparer Instance { get; } = new();

    private NaturalStringComparer()
    {
    }

    /// <summary>Compares <paramref name="x"/> and <paramref name="y"/> in natural order.</summary>
    /// <param name="x">A string, or null.</param>
    /// <param name="y">A string, or null.</param>
    /// <returns>Negative when <paramref name="x"/> comes first, positive when <paramref name="y"/> does, 0 only when they are equal (ordinal).</returns>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;

        var tie = 0; // the first difference that natural order ignores (leading zeros, case)
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            char cx = x[i], cy = y[j];
            if (char.IsAsciiDigit(cx) && char.IsAsciiDigit(cy))
            {
                int startX = i, startY = j;
                while (i < x.Length && char.IsAsciiDigit(x[i])) i++;
                while (j < y.Length && char.IsAsciiDigit(y[j])) j++;
                // The significant digits: the run without its leading zeros, keeping at least one digit.
                var sigX = startX;
                while (sigX < i - 1 && x[sigX] == '0') sigX++;
                var sigY = startY;
                while (sigY < j - 1 && y[sigY] == '0') sigY++;
                int lengthX = i - sigX, lengthY = j - sigY;
                if (lengthX != lengthY) return lengthX < lengthY ? -1 : 1;
                var digits = x.AsSpan(sigX, lengthX).SequenceCompareTo(y.AsSpan(sigY, lengthY));
                if (digits != 0) return digits < 0 ? -1 : 1;
                if (tie == 0) tie = (i - startX).CompareTo(j - startY);
                continue;
            }

            if (cx != cy)
            {
                char foldX = char.ToUpperInvariant(cx), foldY = char.ToUpperInvariant(cy);
                if (foldX != foldY) return foldX < foldY ? -1 : 1;
                if (tie == 0) tie = cx < cy ? -1 : 1;
            }
            i++;
            j++;
        }

        if (i < x.Length) return 1;
        if (j < y.Length) return -1;
        return tie;
    }
}
