using System.Collections.Immutable;
using Game.Grains.Arena;
using Game.Grains.Interfaces;

namespace Game.Benchmarks;

/// <summary>Snapshots of a room that has been played for a few seconds, shared by the serialization benchmarks.</summary>
internal static class ArenaSnapshots
{
    /// <summary>A snapshot after 60 ticks (3 s) of <paramref name="players"/> players moving and attacking; acks are 60.</summary>
    /// <param name="players">Players in the room.</param>
    public static RoomSnapshot Played(int players)
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 42);
        for (var i = 0; i < players; i++) sim.TryAddPlayer($"p{i:x7}", out _);
        for (var t = 0; t < 60; t++)
        {
            for (var i = 0; i < players; i++) sim.SetInput($"p{i:x7}", new InputSample(true, t + 1, MathF.Cos(i + t * 0.1f), MathF.Sin(i + t * 0.1f), t % 10 == 0));
            sim.Step();
        }
        var snapshot = ImmutableArray.CreateBuilder<PlayerSnapshot>(players);
        foreach (var p in sim.Players) snapshot.Add(p.ToSnapshot());
        return new RoomSnapshot("room-1", 1_795_000_000_000, sim.Tick, snapshot.MoveToImmutable());
    }
}
