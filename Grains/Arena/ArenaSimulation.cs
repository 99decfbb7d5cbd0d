namespace Game.Grains.Arena;

/// <summary>
/// The arena game (arena rules: shared protocol.md, "The arena game") as plain deterministic code: seats, held inputs,
/// and a fixed-step <see cref="Step"/> that moves players, resolves attacks, deaths and respawns, and reports events.
/// </summary>
/// <remarks>
/// <para>
/// No grains, sockets or wall clocks: the simulation has its own clock (<see cref="TimeMs"/>, advanced by
/// 1000 / <see cref="ArenaRules.TickHz"/> ms per step) and its own seeded SplitMix64 generator, so two simulations built
/// with the same rules and seed that see the same calls in the same order are in identical states, on any runtime.
/// The room grain owns one, feeds it inputs and calls <see cref="Step"/> from its 20 Hz timer.
/// </para>
/// <para>
/// Not thread-safe: one caller at a time (a grain's turns). <see cref="Step"/>, <see cref="SetInput"/> and
/// <see cref="ClearInput"/> allocate nothing at steady state; the spans returned by <see cref="Players"/> and
/// <see cref="Events"/> are views of internal buffers, valid until the next call that changes the simulation.
/// </para>
/// </remarks>
public sealed partial class ArenaSimulation
{
    private readonly ArenaPlayerState[] _players;
    private readonly string?[] _killedBy;
    private ArenaEvent[] _events;
    private int _count;
    private int _eventCount;
    private SplitMix64 _rng;
    private long _nextJoinOrder;

    /// <summary>Creates an empty arena at tick 0.</summary>
    /// <param name="rules">The rules; <see cref="ArenaRules.Default"/> for the protocol's arena.</param>
    /// <param name="seed">Seed of the spawn-position generator; the same seed gives the same spawns.</param>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rule is out of range (<see cref="ArenaRules.Validate"/>).</exception>
    public ArenaSimulation(ArenaRules rules, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(rules);
        rules.Validate();
        Rules = rules;
        _rng = new SplitMix64(seed);
        _players = new ArenaPlayerState[rules.MaxPlayers];
        _killedBy = new string?[rules.MaxPlayers];
        // Worst case per step: every player hits every other (n·(n−1)), then n deaths and n respawns.
        int worstCase = rules.MaxPlayers * (rules.MaxPlayers + 1);
        _events = new ArenaEvent[Math.Min(worstCase, 4096)];
    }

    /// <summary>The rules this simulation plays by.</summary>
    public ArenaRules Rules { get; }

    /// <summary>Steps taken; 0 before the first <see cref="Step"/>.</summary>
    public long Tick { get; private set; }

    /// <summary>The simulation clock, ms: <see cref="Tick"/> × 1000 / <see cref="ArenaRules.TickHz"/>, rounded down (50 ms per step at 20 Hz).</summary>
    public long TimeMs { get; private set; }

    /// <summary>Players seated, 0–<see cref="ArenaRules.MaxPlayers"/>.</summary>
    public int Count => _count;

    /// <summary>The seated players in join order (oldest first). A view, valid until the simulation next changes.</summary>
    public ReadOnlySpan<ArenaPlayerState> Players => new(_players, 0, _count);

    /// <summary>The host's player id: the first player, then on the host's leaving the longest-present player; null when empty.</summary>
    public string? HostId { get; private set; }

    /// <summary>The events of the last <see cref="Step"/>, in the order they happened. A view, valid until the next step.</summary>
    public ReadOnlySpan<ArenaEvent> Events => new(_events, 0, _eventCount);

    /// <summary>Whether <paramref name="playerId"/> is seated.</summary>
    /// <param name="playerId">A player id (ordinal comparison).</param>
    public bool Contains(string playerId) => IndexOf(playerId) >= 0;

    /// <summary>Gets a seated player's state.</summary>
    /// <param name="playerId">A player id (ordinal comparison).</param>
    /// <param name="state">The player's state, or default when not seated.</param>
    /// <returns>Whether the player is seated.</returns>
    public bool TryGetPlayer(string playerId, out ArenaPlayerState state)
    {
        int index = IndexOf(playerId);
        state = index >= 0 ? _players[index] : default;
        return index >= 0;
    }

    private int IndexOf(string playerId)
    {
        for (int i = 0; i < _count; i++)
        {
            if (string.Equals(_players[i].Id, playerId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
