using BenchmarkDotNet.Attributes;
using Game.Grains.Arena;
using Game.Grains.Interfaces;

namespace Game.Benchmarks;

/// <summary>
/// One arena tick as the room grain runs it at 20 Hz: every player's newest input handed to the simulation, then one
/// <see cref="ArenaSimulation.Step"/> (move, attacks, deaths, respawns). Inputs change every tick and each player attacks
/// every 10th tick (500 ms, the cooldown), staggered; a 400 × 400 world keeps players close enough that attacks land,
/// kill and respawn, so every path of the step is exercised. The target is 0 bytes allocated per operation.
/// </summary>
[MemoryDiagnoser]
public class ArenaTickBenchmark
{
    private const int InputPatterns = 256; // a power of two: indices wrap with a mask

    private ArenaSimulation _sim = null!;
    private string[] _ids = [];
    private InputSample[] _inputs = [];
    private int _tick;

    /// <summary>Seated players (the protocol's rooms have 8; load tests also use 32).</summary>
    [Params(8, 32)]
    public int Players { get; set; }

    /// <summary>Builds a full room and a table of changing inputs, then runs a few seconds of game so fights are under way.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rules = new ArenaRules { MaxPlayers = Players, WorldWidth = 400, WorldHeight = 400 };
        _sim = new ArenaSimulation(rules, seed: 2024);
        _ids = new string[Players];
        for (int i = 0; i < Players; i++)
        {
            _ids[i] = $"player-{i:D2}";
            _sim.TryAddPlayer(_ids[i], out _);
        }

        // Directions sweep around the circle at varying stick depth; attack on every 10th pattern.
        _inputs = new InputSample[InputPatterns];
        for (int k = 0; k < InputPatterns; k++)
        {
            double angle = k * 0.7;
            float depth = 0.4f + 0.6f * (k % 5) / 4f;
            _inputs[k] = new InputSample(true, k + 1, (float)Math.Cos(angle) * depth, (float)Math.Sin(angle) * depth, k % 10 == 0);
        }

        for (int i = 0; i < 200; i++)
        {
            Tick();
        }
    }

    /// <summary>One tick: <see cref="ArenaSimulation.SetInput"/> for every player, then <see cref="ArenaSimulation.Step"/>.</summary>
    /// <returns>The number of events of the step (returned so the work is not optimised away).</returns>
    [Benchmark]
    public int Tick()
    {
        int t = _tick;
        _tick = (t + 1) & (InputPatterns - 1);
        for (int p = 0; p < _ids.Length; p++)
        {
            _sim.SetInput(_ids[p], _inputs[(t + p * 3) & (InputPatterns - 1)]);
        }

        _sim.Step();
        return _sim.Events.Length;
    }
}
