namespace Game.Protocol.Tests;

public class NaturalStringComparerTests
{
    private static readonly NaturalStringComparer Natural = NaturalStringComparer.Instance;

    [Theory]
    [InlineData("r2", "r10")]
    [InlineData("r9", "r10")]
    [InlineData("r1", "r2")]
    [InlineData("a", "b")]
    [InlineData("r", "r1")] // a prefix first
    [InlineData("r1", "r1a")]
    [InlineData("r10a", "r10b")]
    [InlineData("r2x", "r10a")]
    [InlineData("room-2", "room-10")]
    [InlineData("2", "10")]
    [InlineData("9", "a")] // digits before letters
    [InlineData("x9y2", "x9y10")]
    [InlineData("x2y9", "x10y1")]
    [InlineData("r1", "r01")] // equal numbers: fewer leading zeros first
    [InlineData("r01", "r2")]
    [InlineData("r0", "r00")]
    [InlineData("R10", "r10")] // equal but for case: upper case first
    [InlineData("alpha", "Beta")] // case is ignored first
    [InlineData("99999999999999999999999999998", "99999999999999999999999999999")] // no overflow
    [InlineData("9", "100000000000000000000000000000")]
    [InlineData(null, "")]
    [InlineData("", "a")]
    public void Orders_numbers_by_value(string? first, string? second)
    {
        Assert.True(Natural.Compare(first, second) < 0, $"{first} < {second}");
        Assert.True(Natural.Compare(second, first) > 0, $"{second} > {first}");
    }

    [Theory]
    [InlineData("r10")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("007")]
    public void Only_equal_strings_compare_equal(string? s)
        => Assert.Equal(0, Natural.Compare(s, s is null ? null : new string(s.AsSpan())));

    [Fact]
    public void Sorts_a_room_list_in_natural_order()
    {
        string[] expected = ["lobby", "r1", "r01", "r2", "r3", "r9", "r10", "r11", "r20", "r100", "r100b", "room", "Room2", "room2", "room10", "z"];
        var shuffled = expected.OrderBy(s => s.GetHashCode()).ToList();
        shuffled.Sort(Natural);
        Assert.Equal(expected, shuffled);
    }

    [Fact]
    public void Is_a_total_order_on_room_ids()
    {
        // Every pair and triple of a mixed set: antisymmetric, 0 only for equal strings, transitive.
        string[] ids = ["r1", "r01", "r001", "R1", "r10", "r2", "r_2", "r-2", "r2a", "r2A", "ra", "rA", "r", "R", "1", "01", "-", "_", "a1b2", "a01b3", "a1b02", "Z9", "z09", ""];
        foreach (var a in ids)
        {
            foreach (var b in ids)
            {
                var ab = Math.Sign(Natural.Compare(a, b));
                Assert.Equal(-ab, Math.Sign(Natural.Compare(b, a)));
                Assert.Equal(a == b, ab == 0);
                foreach (var c in ids)
                {
                    if (ab <= 0 && Natural.Compare(b, c) <= 0) Assert.True(Natural.Compare(a, c) <= 0, $"{a} <= {b} <= {c}");
                }
            }
        }
    }

    [Fact]
    public void Compares_without_allocating()
    {
        Natural.Compare("r10", "r9");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) Natural.Compare("room-0010-b", "room-10-a");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
