using System.Collections.Immutable;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using BenchmarkDotNet.Attributes;
using Game.Gateway;
using Game.Gateway.Cluster;
using Game.Gateway.Connections;
using Game.Gateway.Feeds;
using Game.Gateway.Sessions;
using Game.Grains.Interfaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Streams;

namespace Game.Benchmarks;

/// <summary>
/// The gateway's own work for one room tick of <see cref="Players"/> players (issue 11: "the gateway's cost per player
/// per tick"): each player's JSON <c>input</c> read by its connection's receive loop (WebSocket frame, parse, rate limit,
/// the one-way call to the room) and the room's <c>map</c> handed to every connection by the room feed (encoded once,
/// then a WebSocket send per connection). Divide the time by <see cref="Players"/> for the cost per player per tick.
/// </summary>
/// <remarks>
/// <para>The real <see cref="PlayerConnection"/>, <see cref="RoomFeed"/> and <see cref="RoomFeedRegistry"/> run over
/// in-memory pipes instead of TCP, with grains that answer at once (a <see cref="DispatchProxy"/>): what is left out is
/// the kernel's TCP and Orleans's messaging, which <c>scripts/perf/perf.py</c> measures with them. The clients' frames are
/// made once (masked, as a browser's are) and written as bytes; the server's output is drained without parsing, so the
/// client side costs next to nothing. The clock moves 50 ms per tick, so the 60-per-second input limit never drops one.</para>
/// </remarks>
[MemoryDiagnoser]
public class GatewayPlayerTickBenchmark
{
    private const string RoomId = "bench-room";
    private readonly List<(Pipe ToServer, Pipe ToClient, Task Run)> _players = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private byte[] _inputFrame = [];
    private RoomSnapshot _snapshot = null!;
    private BenchCluster _cluster = null!;
    private long _tick;

    /// <summary>Players in the room, all on this gateway.</summary>
    [Params(8, 32)]
    public int Players { get; set; }

    /// <summary>Connects <see cref="Players"/> players, says hello, joins them to one arena room and drains what that sent.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _cluster = new BenchCluster();
        var options = Options.Create(new GatewayOptions());
        var feeds = new RoomFeedRegistry(_cluster, NullLogger<RoomFeedRegistry>.Instance, TimeProvider.System, options);
        var dependencies = new ConnectionDependencies(_cluster.Factory, feeds, new SessionRegistry(), new LobbyWatchers(),
            new GatewayIdentity(), _clock, options, NullLogger<PlayerConnection>.Instance);

        for (var i = 0; i < Players; i++)
        {
            var toServer = new Pipe(new PipeOptions(useSynchronizationContext: false));
            var toClient = new Pipe(new PipeOptions(useSynchronizationContext: false));
            var server = WebSocket.CreateFromStream(new DuplexStream(toServer.Reader.AsStream(), toClient.Writer.AsStream()),
                new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = Timeout.InfiniteTimeSpan });
            var connection = new PlayerConnection(server, dependencies, $"bench-{i}");
            _players.Add((toServer, toClient, connection.RunAsync(_stop.Token)));
            await toServer.Writer.WriteAsync(ClientFrame($$"""{"type":"hello","name":"p{{i}}"}"""));
            await ReadUntilAsync(toClient, "\"welcome\"");
            await toServer.Writer.WriteAsync(ClientFrame($$"""{"type":"join","room":"{{RoomId}}"}"""));
            await ReadUntilAsync(toClient, "\"joined\"");
        }

        var players = Enumerable.Range(0, Players)
            .Select(i => new PlayerSnapshot($"player{i:D4}", 100 + i * 7.25f, 200 + i * 3.5f, 141.4f, -141.4f, 100, 1_000 + i))
            .ToImmutableArray();
        _snapshot = new RoomSnapshot(RoomId, 1_795_000_000_000, 1, players);
        _inputFrame = ClientFrame("""{"type":"input","seq":1234,"time":1795000000123.5,"input":[0.707,-0.707],"attack":false}""");
        foreach (var (_, toClient, _) in _players) Drain(toClient);
        Console.WriteLine($"// {Players} players; input frame {_inputFrame.Length} bytes");
    }

    /// <summary>One tick: every player's input in, then the room's map out to every player.</summary>
    [Benchmark(Baseline = true)]
    public async Task Tick()
    {
        await InputsIn();
        await MapOut();
    }

    /// <summary>The receive path alone: every player's input read, parsed, rate-limited and sent to the room.</summary>
    [Benchmark]
    public async Task InputsIn()
    {
        _clock.Advance(TimeSpan.FromMilliseconds(50));
        var inputs = _cluster.ExpectInputs(Players);
        foreach (var (toServer, _, _) in _players) await toServer.Writer.WriteAsync(_inputFrame);
        await inputs;
    }

    /// <summary>The send path alone: the room's map encoded once and sent to every player.</summary>
    [Benchmark]
    public async Task MapOut()
    {
        await _cluster.Feed!.OnNextAsync(_snapshot with { Tick = ++_tick });
        foreach (var (_, toClient, _) in _players) Drain(toClient);
    }

    /// <summary>Closes the connections.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _stop.Cancel();
        foreach (var (toServer, _, _) in _players) await toServer.Writer.CompleteAsync();
        foreach (var (_, toClient, run) in _players)
        {
            toClient.Reader.Complete();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static void Drain(Pipe pipe)
    {
        while (pipe.Reader.TryRead(out var result)) pipe.Reader.AdvanceTo(result.Buffer.End);
    }

    private static async Task ReadUntilAsync(Pipe pipe, string marker)
    {
        var seen = new StringBuilder();
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var result = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            foreach (var segment in result.Buffer) seen.Append(Encoding.UTF8.GetString(segment.Span));
            pipe.Reader.AdvanceTo(result.Buffer.End);
        }
    }

    /// <summary>A client's text frame (FIN, masked with a fixed key), as RFC 6455 has a browser send it.</summary>
    private static byte[] ClientFrame(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        if (payload.Length > 125) throw new ArgumentException("bench frames are short", nameof(json));
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        return frame;
    }

    /// <summary>A stream that reads from one pipe and writes to another.</summary>
    private sealed class DuplexStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => input.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => input.ReadAsync(buffer, offset, count, cancellationToken);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => output.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => output.WriteAsync(buffer, offset, count, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);
        public override void Flush() => output.Flush();
        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
                output.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Grains that answer at once, and the room's stream: <see cref="Feed"/> is the gateway's subscription, which the
    /// benchmark feeds. Inputs reaching the room are counted for <see cref="ExpectInputs"/>.
    /// </summary>
    private sealed class BenchCluster : IRoomEventSource
    {
        private int _inputs;
        private int _expected;
        private TaskCompletionSource? _allIn;
        private int _seats;

        public BenchCluster() => Factory = GrainProxy.Create<IGrainFactory>((method, args) => method.Name switch
        {
            "GetGrain" when method.ReturnType == typeof(IPlayerGrain) => PlayerFor((string)args[0]!),
            "GetGrain" when method.ReturnType == typeof(IRoomGrain) => GrainProxy.Create<IRoomGrain>(RoomCall),
            _ => throw new NotSupportedException(method.Name),
        });

        public IGrainFactory Factory { get; }

        public IAsyncObserver<RoomEvent>? Feed { get; private set; }

        /// <summary>A task that completes once <paramref name="count"/> more inputs have reached the room.</summary>
        public Task ExpectInputs(int count)
        {
            var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _allIn, allIn);
            _inputs = 0;
            Volatile.Write(ref _expected, count);
            return allIn.Task;
        }

        public Task<IAsyncDisposable> SubscribeAsync(string roomId, IAsyncObserver<RoomEvent> observer)
        {
            Feed = observer;
            return Task.FromResult<IAsyncDisposable>(new NoSubscription());
        }

        private object PlayerFor(string playerId) => GrainProxy.Create<IPlayerGrain>((method, args) => method.Name switch
        {
            nameof(IPlayerGrain.StartSession) => Task.FromResult(new PlayerSession(playerId, (string)args[0]!, playerId + ".token", null)),
            nameof(IPlayerGrain.JoinRoom) => Task.FromResult(JoinResult.Ok(new RoomJoined((string)args[0]!, "arena", playerId, "player0000",
                20, 1000, 1000, ImmutableDictionary<string, PlayerProfile>.Empty, Max: 64, Seat: Interlocked.Increment(ref _seats)))),
            nameof(IPlayerGrain.Disconnected) => Task.CompletedTask,
            _ => throw new NotSupportedException(method.Name),
        });

        private object? RoomCall(MethodInfo method, object?[] args)
        {
            if (method.Name != nameof(IRoomGrain.Input)) throw new NotSupportedException(method.Name);
            if (Interlocked.Increment(ref _inputs) == Volatile.Read(ref _expected)) Volatile.Read(ref _allIn)?.TrySetResult();
            return Task.CompletedTask;
        }

        private sealed class NoSubscription : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>An interface implemented by a function of (method, arguments), through <see cref="DispatchProxy"/>.</summary>
    public class GrainProxy : DispatchProxy
    {
        private Func<MethodInfo, object?[], object?> _handler = null!;

        /// <summary>Makes an <typeparamref name="T"/> whose calls go to <paramref name="handler"/>.</summary>
        public static T Create<T>(Func<MethodInfo, object?[], object?> handler) where T : class
        {
            var proxy = Create<T, GrainProxy>();
            ((GrainProxy)(object)proxy)._handler = handler;
            return proxy;
        }

        /// <inheritdoc />
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _handler(targetMethod!, args ?? []);
    }
}
