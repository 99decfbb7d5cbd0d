using System.Text;
using BenchmarkDotNet.Attributes;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Benchmarks;

/// <summary>
/// Reading one client <c>input</c> as the gateway's receive loop does, 20 times a second per player: the JSON text
/// frame (shared protocol.md; baseline) against the binary frame (docs/protocol-binary.md). The sizes are printed at setup.
/// </summary>
[MemoryDiagnoser]
public class InputParsingBenchmark
{
    private byte[] _json = [];
    private byte[] _binary = [];

    /// <summary>Encodes the same input (seq 1234, a client clock in ms, a diagonal direction, attack) both ways.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _json = Encoding.UTF8.GetBytes("""{"type":"input","seq":1234,"time":1795000000123.5,"input":[0.707,-0.707],"attack":true}""");
        var buffer = new byte[BinaryFormat.MaxInputSize];
        _binary = buffer[..BinaryMessageWriter.WriteInput(buffer, new PlayerInput(1234, 1_795_000_000_123.5, 0.707f, -0.707f, true))];
        Console.WriteLine($"// input: JSON {_json.Length} bytes, binary {_binary.Length} bytes");
    }

    /// <summary>The JSON <c>input</c>.</summary>
    [Benchmark(Baseline = true)]
    public long Json()
    {
        ClientMessageParser.TryParse(_json, out var message, out _);
        return message.Input.Seq;
    }

    /// <summary>The binary <c>input</c>.</summary>
    [Benchmark]
    public long Binary()
    {
        BinaryMessageReader.TryReadInput(_binary, out var input, out _);
        return input.Seq;
    }
}
