using Game.Grains.Interfaces;

namespace Game.Grains.Arena;

/// <summary>
/// Player colours by slot (arena rules: "one distinct colour per player in the room"): slots 0–7 are a fixed palette
/// of eight easily told-apart colours; higher slots, for rooms with more seats, get generated colours whose hues step
/// by the golden ratio so neighbours differ strongly, with brightness varied per round so that no two slots below
/// <see cref="ArenaRules.MaxSupportedPlayers"/> share a colour (checked by the tests).
/// </summary>
internal static class ArenaColors
{
    private static readonly Rgb[] Palette =
    [
        new(231, 76, 60),   // red
        new(52, 152, 219),  // blue
        new(46, 204, 113),  // green
        new(241, 196, 15),  // yellow
        new(155, 89, 182),  // purple
        new(230, 126, 34),  // orange
        new(26, 188, 156),  // teal
        new(236, 100, 170), // pink
    ];

    /// <summary>Number of fixed palette colours.</summary>
    public const int PaletteSize = 8;

    /// <summary>The colour of <paramref name="slot"/> (≥ 0). Pure and deterministic: double arithmetic only, no trigonometry.</summary>
    public static Rgb ForSlot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        if (slot < PaletteSize)
        {
            return Palette[slot];
        }

        int i = slot - PaletteSize;
        const double InverseGolden = 0.6180339887498949;
        double hue = (0.13 + i * InverseGolden) % 1.0;
        // Three bands of saturation/value, cycling every 3 generated slots, keep close hues apart in brightness too.
        int band = i % 3;
        double saturation = band switch { 0 => 0.62, 1 => 0.45, _ => 0.78 };
        double value = band switch { 0 => 0.93, 1 => 0.82, _ => 0.70 };
        return FromHsv(hue, saturation, value);
    }

    private static Rgb FromHsv(double hue, double saturation, double value)
    {
        double h6 = hue * 6.0;
        int sector = (int)h6 % 6;
        double f = h6 - Math.Floor(h6);
        double p = value * (1 - saturation);
        double q = value * (1 - saturation * f);
        double t = value * (1 - saturation * (1 - f));
        (double r, double g, double b) = sector switch
        {
            0 => (value, t, p),
            1 => (q, value, p),
            2 => (p, value, t),
            3 => (p, q, value),
            4 => (t, p, value),
            _ => (value, p, q),
        };
        return new Rgb(ToByte(r), ToByte(g), ToByte(b));
    }

    private static byte ToByte(double channel) => (byte)Math.Clamp((int)Math.Round(channel * 255.0, MidpointRounding.AwayFromZero), 0, 255);
}
