using System.Buffers;
using BenchmarkDotNet.Attributes;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Benchmarks;

/// <summary>
/// One room's <c>map</c> (8 players) in each encoding, into a reused buffer: the work a room feed does once per room per
/// tick for each encoding its players use. JSON (shared protocol.md) is the baseline; binary (docs/protocol-binary.md) is
/// measured in the steady state (same players as the last tick, so the roster is reused) and when the players changed
/// (a new roster is made and written too). The sizes are printed at setup.
/// </summary>
[MemoryDiagnoser]
public class BinarySnapshotSerializationBenchmark
{
    private readonly JsonMessageWriter _json = new();
    private readonly BinaryRoomEventEncoder _binary = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private RoomSnapshot _snapshot = null!;
    private RoomSnapshot _other = null!;
    private bool _flip;

    /// <summary>Players in the room.</summary>
    [Params(8)]
    public int Players { get; set; }

    /// <summary>Builds the snapshot, and a second one whose last player is someone else (to force a new roster).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _snapshot = ArenaSnapshots.Played(Players);
        _other = _snapshot with { Players = _snapshot.Players.SetItem(Players - 1, _snapshot.Players[^1] with { Id = "newcomer" }) };
        var json = Json();
        var binary = Binary();
        _buffer.ResetWrittenCount();
        var roster = BinaryMessageWriter.WriteRoster(_buffer, _binary.Roster!);
        Console.WriteLine($"// map, {Players} players: JSON {json} bytes, binary {binary} bytes ({100.0 * binary / json:0}%), roster {roster} bytes");
    }

    /// <summary>The JSON <c>map</c>.</summary>
    [Benchmark(Baseline = true)]
    public int Json()
    {
        _buffer.ResetWrittenCount();
        _json.WriteMap(_buffer, _snapshot);
        return _buffer.WrittenCount;
    }

    /// <summary>The binary <c>map</c>, same players as the previous tick (the roster is reused).</summary>
    [Benchmark]
    public int Binary()
    {
        _buffer.ResetWrittenCount();
        _binary.Encode(_snapshot, _buffer);
        return _buffer.WrittenCount;
    }

    /// <summary>The binary <c>map</c> when the players changed since the previous tick: a new roster, written too.</summary>
    [Benchmark]
    public int BinaryWithNewRoster()
    {
        _flip = !_flip;
        _buffer.ResetWrittenCount();
        _binary.Encode(_flip ? _other : _snapshot, _buffer);
        BinaryMessageWriter.WriteRoster(_buffer, _binary.Roster!);
        return _buffer.WrittenCount;
    }
}
