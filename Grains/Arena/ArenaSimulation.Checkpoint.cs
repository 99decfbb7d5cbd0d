using System.Collections.Immutable;

namespace Game.Grains.Arena;

// Checkpoints: the whole state out and back in.
public sealed partial class ArenaSimulation
{
    /// <summary>The complete state between steps, as an immutable value (for checkpoints and migration). Allocates a copy.</summary>
    public ArenaState Capture() =>
        new(Tick, TimeMs, _rng.State, _nextJoinOrder, HostId, ImmutableArray.Create(_players, 0, _count));

    /// <summary>
    /// Rebuilds a simulation from <see cref="Capture"/>: given the same rules and the same later calls, it continues exactly
    /// as the captured one would have. <see cref="Events"/> starts empty.
    /// </summary>
    /// <param name="rules">The rules to continue with (normally those of the captured simulation).</param>
    /// <param name="state">A captured state.</param>
    /// <returns>The restored simulation.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> or <paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A rule is out of range (<see cref="ArenaRules.Validate"/>).</exception>
    /// <exception cref="ArgumentException">The state does not fit the rules or is inconsistent: time not
    /// <see cref="ArenaRules.TimeAtTick"/>(tick), more players than seats, empty or duplicate ids or colour slots, hp not
    /// 1–MaxHp while alive or not 0 while dead, players not in increasing join order below
    /// <see cref="ArenaState.NextJoinOrder"/>, or a host that is not seated (or none while players are seated).</exception>
    public static ArenaSimulation Restore(ArenaRules rules, ArenaState state)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(state);
        var sim = new ArenaSimulation(rules, state.RngState);
        ReadOnlySpan<ArenaPlayerState> players = state.Players.AsSpan();
        Require(state.Tick >= 0 && state.TimeMs == rules.TimeAtTick(state.Tick),
            $"TimeMs {state.TimeMs} is not the time of tick {state.Tick} at {rules.TickHz} Hz.");
        Require(players.Length <= rules.MaxPlayers, $"{players.Length} players exceed MaxPlayers {rules.MaxPlayers}.");
        for (int i = 0; i < players.Length; i++)
        {
            ArenaPlayerState p = players[i];
            Require(!string.IsNullOrEmpty(p.Id), $"Player {i} has no id.");
            Require(p.Alive ? p.Hp >= 1 && p.Hp <= rules.MaxHp : p.Hp == 0,
                $"Player {p.Id} has hp {p.Hp}: a living player has 1–{rules.MaxHp}, a dead one 0.");
            Require(p.ColorSlot >= 0 && p.RespawnAtMs >= 0 && p.LastAttackMs >= 0, $"Player {p.Id} has a negative slot or time.");
            Require(p.JoinOrder >= 0 && p.JoinOrder < state.NextJoinOrder && (i == 0 || players[i - 1].JoinOrder < p.JoinOrder),
                $"Player {p.Id} is out of join order.");
            for (int j = 0; j < i; j++)
            {
                Require(!string.Equals(players[j].Id, p.Id, StringComparison.Ordinal), $"Player {p.Id} is seated twice.");
                Require(players[j].ColorSlot != p.ColorSlot, $"Players {players[j].Id} and {p.Id} share colour slot {p.ColorSlot}.");
            }
        }

        players.CopyTo(sim._players);
        sim._count = players.Length;
        Require(players.Length == 0 ? state.HostId is null : state.HostId is not null && sim.Contains(state.HostId),
            $"Host '{state.HostId}' is not a seated player.");
        sim.Tick = state.Tick;
        sim.TimeMs = state.TimeMs;
        sim._nextJoinOrder = state.NextJoinOrder;
        sim.HostId = state.HostId;
        return sim;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, "state");
        }
    }
}
