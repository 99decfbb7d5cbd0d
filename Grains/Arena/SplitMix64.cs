namespace Game.Grains.Arena;

/// <summary>
/// A tiny SplitMix64 pseudo-random generator (Steele, Lea and Flood, 2014) whose whole state is one <see cref="ulong"/>,
/// so its sequence is the same on every runtime and can be checkpointed in <see cref="ArenaState.RngState"/>.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The current state; feeding it back to the constructor continues the same sequence.</summary>
    public ulong State { readonly get; private set; } = state;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        State = unchecked(State + Golden);
        ulong z = State;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A uniform float in [0, 1) with 24 random bits (every value exactly representable).</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));
}
