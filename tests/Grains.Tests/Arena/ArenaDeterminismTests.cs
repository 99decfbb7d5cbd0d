using System.Collections.Immutable;
using Game.Grains.Arena;
using Game.Grains.Interfaces;
using static Game.Grains.Tests.Arena.ArenaTestKit;

namespace Game.Grains.Tests.Arena;

public sealed class ArenaDeterminismTests
{
    /// <summary>A scripted session: joins, leaves, changing inputs and attacks, all from a fixed-seed script.</summary>
    private static void Drive(ArenaSimulation sim, int fromTick, int steps, List<string> trace)
    {
        var script = new Random(fromTick); // the script, not the simulation, uses System.Random
        for (int s = 0; s < steps; s++)
        {
            int tick = fromTick + s;
            if (tick % 97 == 5)
            {
                sim.TryAddPlayer($"p{tick % 11}", out _);
            }

            if (tick % 131 == 7)
            {
                sim.RemovePlayer($"p{tick % 11}", out _);
            }

            foreach (ArenaPlayerState p in sim.Players.ToArray())
            {
                if (script.Next(4) == 0)
                {
                    sim.SetInput(p.Id, new InputSample(true, tick, script.NextSingle() * 2 - 1, script.NextSingle() * 2 - 1, script.Next(3) == 0));
                }
            }

            sim.Step();
            foreach (ArenaEvent e in sim.Events)
            {
                trace.Add($"{sim.Tick}:{e}");
            }
        }
    }

    private static ArenaSimulation Crowded(ulong seed, int players = 8)
    {
        // A small world so that players meet, fight, die and respawn.
        var sim = new ArenaSimulation(new ArenaRules { WorldWidth = 200, WorldHeight = 200, MaxPlayers = players }, seed);
        for (int i = 0; i < players; i++)
        {
            sim.TryAddPlayer($"p{i}", out _);
        }

        return sim;
    }

    private static void AssertSameState(ArenaState expected, ArenaState actual)
    {
        Assert.Equal(expected with { Players = [] }, actual with { Players = [] });
        Assert.Equal(expected.Players, actual.Players, EqualityComparer<ArenaPlayerState>.Default);
    }

    [Fact]
    public void Same_seed_and_inputs_give_identical_states_and_events()
    {
        ArenaSimulation one = Crowded(42), two = Crowded(42);
        List<string> traceOne = [], traceTwo = [];

        Drive(one, 0, 3000, traceOne);
        Drive(two, 0, 3000, traceTwo);

        AssertSameState(one.Capture(), two.Capture());
        Assert.Equal(traceOne, traceTwo);
        Assert.Contains(traceOne, line => line.Contains("Killed"));
        Assert.Contains(traceOne, line => line.Contains("Respawned"));
    }

    [Fact]
    public void Different_seeds_spawn_differently()
    {
        ArenaState one = Crowded(1).Capture(), two = Crowded(2).Capture();

        Assert.NotEqual(one.Players.Select(p => (p.X, p.Y)), two.Players.Select(p => (p.X, p.Y)));
    }

    [Fact]
    public void Generator_is_splitmix64_so_spawns_are_the_same_on_every_runtime()
    {
        // Reference outputs of SplitMix64 seeded with 0.
        var rng = new SplitMix64(0);

        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, rng.NextUInt64());
    }

    [Fact]
    public void Capture_then_restore_continues_identically()
    {
        ArenaSimulation original = Crowded(7);
        Drive(original, 0, 700, []);
        ArenaState checkpoint = original.Capture();

        ArenaSimulation restored = ArenaSimulation.Restore(original.Rules, checkpoint);
        AssertSameState(checkpoint, restored.Capture());
        Assert.Equal(checkpoint.HostId, restored.HostId);

        List<string> traceOriginal = [], traceRestored = [];
        Drive(original, 700, 2000, traceOriginal);
        Drive(restored, 700, 2000, traceRestored);

        AssertSameState(original.Capture(), restored.Capture());
        Assert.Equal(traceOriginal, traceRestored);
        Assert.NotEmpty(traceOriginal);
    }

    [Fact]
    public void Capture_keeps_a_pending_attack()
    {
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 550, 500));
        Attack(sim, "a");

        ArenaSimulation restored = ArenaSimulation.Restore(sim.Rules, sim.Capture());
        restored.Step();

        Assert.Equal(90, Get(restored, "b").Hp);
    }

    [Fact]
    public void Capture_is_a_snapshot_unaffected_by_later_steps()
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        Move(sim, "a", 1, 0);
        ArenaState before = sim.Capture();

        Steps(sim, 5);

        Assert.Equal(500f, before.Players[0].X);
        Assert.Equal(0, before.Tick);
    }

    [Fact]
    public void Restore_rejects_inconsistent_states()
    {
        ArenaState good = Place(("a", 500, 500), ("b", 550, 500)).Capture();
        ArenaPlayerState a = good.Players[0];

        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(ArenaRules.Default, good with { TimeMs = 10 }));
        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(ArenaRules.Default, good with { HostId = "zz" }));
        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(ArenaRules.Default, good with { Players = [a, a with { JoinOrder = 1, ColorSlot = 1 }] }));
        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(ArenaRules.Default, good with { Players = good.Players.SetItem(1, good.Players[1] with { ColorSlot = 0 }) }));
        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(new ArenaRules { MaxPlayers = 1 }, good));
        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(ArenaRules.Default, good with { Players = good.Players.SetItem(0, a with { Hp = 0 }) }));
        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(ArenaRules.Default, good with { Players = good.Players.SetItem(0, a with { RespawnAtMs = 900 }) }));
        Assert.Throws<ArgumentException>(() => ArenaSimulation.Restore(ArenaRules.Default, good with { Players = ImmutableArray.Create(good.Players[1], good.Players[0]) }));
    }

    [Fact]
    public void Step_allocates_nothing_at_steady_state()
    {
        ArenaSimulation sim = Crowded(9);
        string[] ids = sim.Players.ToArray().Select(p => p.Id).ToArray();
        var inputs = new InputSample[64];
        var script = new Random(5);
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = new InputSample(true, i + 1, script.NextSingle() * 2 - 1, script.NextSingle() * 2 - 1, i % 3 == 0);
        }

        int events = Run(sim, ids, inputs, 2000); // warm-up: JIT tiers, every path taken once
        long before = GC.GetAllocatedBytesForCurrentThread();
        events = Run(sim, ids, inputs, 20_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(events > 1000, $"the measured steps should be busy with hits, deaths and respawns, saw only {events} events");
        Assert.Equal(0, allocated);
    }

    private static int Run(ArenaSimulation sim, string[] ids, InputSample[] inputs, int steps)
    {
        int events = 0;
        for (int s = 0; s < steps; s++)
        {
            for (int p = 0; p < ids.Length; p++)
            {
                sim.SetInput(ids[p], inputs[(s + p * 7) % inputs.Length]);
            }

            if (s % 50 == 0)
            {
                sim.ClearInput(ids[s % ids.Length]);
            }

            sim.Step();
            events += sim.Events.Length;
        }

        return events;
    }
}
