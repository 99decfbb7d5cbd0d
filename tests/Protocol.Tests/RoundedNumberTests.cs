using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Game.Protocol.Tests;

/// <summary>
/// <c>JsonMessageWriter.WriteRounded2</c> writes the same text as <c>Utf8JsonWriter.WriteNumberValue</c> of the value
/// rounded to 2 decimals, which the map's positions and velocities were written with before it.
/// </summary>
public class RoundedNumberTests
{
    [Theory]
    [InlineData(0f, "0")]
    [InlineData(-0.004f, "0")]
    [InlineData(12.5f, "12.5")]
    [InlineData(-3f, "-3")]
    [InlineData(0.07f, "0.07")]
    [InlineData(499.999f, "500")]
    [InlineData(-141.42136f, "-141.42")]
    public void Writes_the_value_rounded_to_hundredths(float value, string expected)
    {
        Assert.Equal(expected, Rounded(value));
        Assert.Equal(expected, General(value));
    }

    [Fact]
    public void Writes_what_the_general_number_writer_writes_for_a_million_values()
    {
        var random = new Random(20261130);
        var edges = new[] { -0f, 0.005f, -0.005f, 0.015f, 1.005f, -2.675f, 1e-40f, -1e-40f, float.Epsilon, 9.99999e12f, -9.99999e12f, 1e13f, 3e38f, float.MaxValue };
        foreach (var value in edges) Assert.Equal(General(value), Rounded(value));
        for (var i = 0; i < 1_000_000; i++)
        {
            // World coordinates and velocities (−2,000 to 2,000), then any finite float's bit pattern.
            var value = i % 2 == 0
                ? (float)(random.NextDouble() * 4_000 - 2_000)
                : BitConverter.Int32BitsToSingle(random.Next() | (random.Next(2) << 31));
            if (!float.IsFinite(value)) continue;
            Assert.Equal(General(value), Rounded(value));
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Refuses_what_JSON_has_no_number_for(float value) =>
        Assert.Throws<ArgumentException>(() => Rounded(value));

    private static string Rounded(float value) => Write(json => JsonMessageWriter.WriteRounded2(json, value));

    private static string General(float value) => Write(json => json.WriteNumberValue(JsonMessageWriter.Round2(value)));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            write(json);
            json.WriteEndArray();
        }
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return text[1..^1];
    }
}
