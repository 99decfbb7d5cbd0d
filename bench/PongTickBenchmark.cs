using BenchmarkDotNet.Attributes;
using Game.Grains.Interfaces;
using Game.Grains.Kinds;
using Game.Grains.Kinds.Pong;

namespace Game.Benchmarks;

/// <summary>
/// One pong tick as the room grain runs it at 30 Hz: both players' newest inputs handed to the rules, then
/// <see cref="IRoomRules.OnTick"/> (paddles, ball, bounces, points) and the <c>map</c> it publishes, written as the
/// kind event the gateway sends as it is. Paddles chase the ball, so rallies are long and every path of the step runs.
/// </summary>
[MemoryDiagnoser]
public class PongTickBenchmark
{
    private readonly Output _output = new();
    private IRoomRules _rules = null!;
    private long _seq;
    private long _now = 1_800_000_000_000;

    /// <summary>A playing pong room with two players.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _rules = new PongKind().Create(new RoomSetup(2, 2024));
        _rules.OnJoin(new RoomPlayer("left-player", "L", IsHost: true), _output);
        _rules.OnJoin(new RoomPlayer("right-player", "R", IsHost: false), _output);
        for (var i = 0; i < 300; i++) Tick();
    }

    /// <summary>One tick: inputs, step, snapshot.</summary>
    /// <returns>The length of the <c>map</c>'s members (returned so the work is not optimised away; also the figure for bytes per map).</returns>
    [Benchmark]
    public int Tick()
    {
        _output.Events.Clear();
        var up = (_seq++ & 32) == 0 ? 1f : -1f;
        _rules.OnInput("left-player", new InputSample(true, _seq, 0, up, false));
        _rules.OnInput("right-player", new InputSample(true, _seq, 0, -up, false));
        _now += 33;
        _rules.OnTick(_now, _output);
        var length = 0;
        foreach (var e in _output.Events) if (e is KindEvent k) length += k.Members.Length;
        return length;
    }

    private sealed class Output : IRoomOutput
    {
        public List<RoomEvent> Events { get; } = [];
        public string RoomId => "bench";
        public string? HostId => "left-player";
        public long NowMs => 0;
        public void Publish(RoomEvent e) => Events.Add(e);
        public void SendTo(string playerId, RoomEvent e) => Events.Add(e);
        public void SendToOthers(string playerId, RoomEvent e) => Events.Add(e);
    }
}
