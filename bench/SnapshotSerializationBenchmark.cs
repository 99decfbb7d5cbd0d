using System.Buffers;
using BenchmarkDotNet.Attributes;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Benchmarks;

/// <summary>
/// Serializing one room's <c>map</c> snapshot (8 players, protocol.md JSON) into a reused buffer: the work the
/// gateway does once per room per tick before sending the same bytes to every player of the room.
/// Also reports the snapshot's size in bytes (<see cref="SnapshotBytes"/>).
/// </summary>
[MemoryDiagnoser]
public class SnapshotSerializationBenchmark
{
    private readonly JsonMessageWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private RoomSnapshot _snapshot = null!;

    /// <summary>Players in the room.</summary>
    [Params(8)]
    public int Players { get; set; }

    /// <summary>Builds a snapshot of a room that has been played for a few seconds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _snapshot = ArenaSnapshots.Played(Players);
        Console.WriteLine($"// map snapshot, {Players} players: {SnapshotBytes()} bytes");
    }

    /// <summary>One snapshot serialized to JSON.</summary>
    [Benchmark]
    public int SerializeMap()
    {
        _buffer.ResetWrittenCount();
        _writer.WriteMap(_buffer, _snapshot);
        return _buffer.WrittenCount;
    }

    /// <summary>Size of one serialized snapshot, bytes.</summary>
    public int SnapshotBytes() => SerializeMap();
}
