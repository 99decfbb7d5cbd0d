using System.Collections.Immutable;
using Game.Grains.Arena;
using Game.Grains.Interfaces;

namespace Game.Grains.Tests.Arena;

/// <summary>Builds arenas with players at chosen places (through the public Restore) and drives them.</summary>
internal static class ArenaTestKit
{
    /// <summary>An arena at tick 0 with the given players seated in this order, alive with full hp; the first is host.</summary>
    public static ArenaSimulation Place(params (string Id, float X, float Y)[] players) => Place(ArenaRules.Default, players);

    public static ArenaSimulation Place(ArenaRules rules, params (string Id, float X, float Y)[] players)
    {
        var seated = ImmutableArray.CreateBuilder<ArenaPlayerState>();
        for (int i = 0; i < players.Length; i++)
        {
            seated.Add(new ArenaPlayerState
            {
                Id = players[i].Id,
                X = players[i].X,
                Y = players[i].Y,
                Hp = rules.MaxHp,
                ColorSlot = i,
                JoinOrder = i,
            });
        }

        var state = new ArenaState(0, 0, 12345, players.Length, players.Length > 0 ? players[0].Id : null, seated.ToImmutable());
        return ArenaSimulation.Restore(rules, state);
    }

    /// <summary>An arena like <see cref="Place(ValueTuple{string, float, float}[])"/> but with one player's state changed.</summary>
    public static ArenaSimulation With(ArenaSimulation sim, string id, Func<ArenaPlayerState, ArenaPlayerState> change)
    {
        ArenaState state = sim.Capture();
        ImmutableArray<ArenaPlayerState> players = state.Players;
        int index = players.IndexOf(Get(sim, id));
        return ArenaSimulation.Restore(sim.Rules, state with { Players = players.SetItem(index, change(players[index])) });
    }

    public static ArenaPlayerState Get(ArenaSimulation sim, string id)
    {
        Assert.True(sim.TryGetPlayer(id, out ArenaPlayerState state), $"player {id} should be seated");
        return state;
    }

    private static long _seq;

    public static void Move(ArenaSimulation sim, string id, float vx, float vy) =>
        sim.SetInput(id, new InputSample(true, Interlocked.Increment(ref _seq), vx, vy, false));

    public static void Attack(ArenaSimulation sim, string id) =>
        sim.SetInput(id, new InputSample(true, Interlocked.Increment(ref _seq), 0f, 0f, true));

    public static void Steps(ArenaSimulation sim, int count)
    {
        for (int i = 0; i < count; i++)
        {
            sim.Step();
        }
    }

    public static ArenaEvent[] Events(ArenaSimulation sim) => sim.Events.ToArray();
}
