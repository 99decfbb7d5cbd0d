using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Game.LoadTest;

/// <summary>
/// One simulated player over a real WebSocket (shared protocol.md): <c>hello</c>, <c>join</c> its room, then inputs
/// driven by a shared loop (<see cref="TrySendNextInput"/>), measuring input→ack latency, snapshots, errors and disconnects.
/// </summary>
/// <remarks>
/// <para>Threads: no thread per bot. One receive loop per bot (async, one pooled buffer reused for every frame);
/// sends come from the caller of <see cref="TrySendNextInput"/> (one loop walking all bots), each into a preallocated
/// pooled buffer. At most one send is in flight per bot: a slot whose previous send has not completed is skipped.</para>
/// <para>Partial files: <c>Bot.Handshake.cs</c> (connect, hello, join), <c>Bot.Receive.cs</c> (receive loop, ack latency),
/// <c>Bot.Input.cs</c> (inputs), <c>Bot.Close.cs</c> (closing, results).</para>
/// </remarks>
public sealed partial class Bot : IAsyncDisposable
{
    /// <summary>Pending inputs remembered for latency (a power of two): 256 inputs = 12.8 s at 20 Hz.</summary>
    private const int SendTimeRing = 256;

    private readonly IBotCodec _codec;
    private readonly RunMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly HttpMessageInvoker? _invoker;
    private readonly long[] _sendTimes = new long[SendTimeRing];
    private ClientWebSocket? _socket;
    private Task _receiveLoop = Task.CompletedTask;
    private int _state = (int)BotState.Created;
    private volatile byte[] _playerIdUtf8 = [];
    private string? _playerId;
    private string? _failureReason;
    private double? _joinLatencyMs;

    /// <summary>Creates a bot; nothing happens until <see cref="ConnectAndJoinAsync"/>.</summary>
    /// <param name="settings">Who the bot is and where it plays.</param>
    /// <param name="codec">The wire encoding (shared by all bots).</param>
    /// <param name="metrics">The run's shared metrics (and clock).</param>
    /// <param name="invoker">An HTTP invoker shared by the run's bots for the WebSocket upgrade; null for the default.</param>
    public Bot(BotSettings settings, IBotCodec codec, RunMetrics metrics, HttpMessageInvoker? invoker = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(metrics);
        Settings = settings;
        _codec = codec;
        _metrics = metrics;
        _time = metrics.TimeProvider;
        _invoker = invoker;
        _rng = (uint)(settings.Index * 2654435761u) | 1u;
    }

    /// <summary>Who the bot is and where it plays.</summary>
    public BotSettings Settings { get; }

    /// <summary>The chaos soak's bookkeeping this bot reports its maps and disconnects to, or null (no chaos).</summary>
    internal ChaosLedger? Chaos { get; set; }

    /// <summary>Where the bot is in its life.</summary>
    public BotState State => (BotState)Volatile.Read(ref _state);

    /// <summary>The player id from <c>welcome</c> (then <c>joined.you</c>), or null before.</summary>
    public string? PlayerId => Volatile.Read(ref _playerId);

    /// <summary>Why the bot failed or disconnected, or null.</summary>
    public string? FailureReason => Volatile.Read(ref _failureReason);

    /// <summary>Every <c>map</c> received.</summary>
    public long SnapshotsReceived => Volatile.Read(ref _snapshots);

    /// <summary><c>map</c>s received while the run's measurement window was open.</summary>
    public long SnapshotsInWindow => Volatile.Read(ref _snapshotsInWindow);

    /// <summary>Inputs sent.</summary>
    public long InputsSent => Volatile.Read(ref _inputsSent);

    /// <summary>Inputs sent while the run's measurement window was open.</summary>
    public long InputsInWindow => Volatile.Read(ref _inputsInWindow);

    /// <summary>Input slots skipped because the previous send had not completed (a sign the tester or socket is saturated).</summary>
    public long InputsSkipped => Volatile.Read(ref _inputsSkipped);

    /// <summary>Latency samples the bot took: inputs acknowledged by a <c>map</c> (ack ≥ seq; arena, pong), relays received from
    /// other bots (relay), or its own strokes back (board).</summary>
    public long InputsAcked => Volatile.Read(ref _inputsAcked);

    /// <summary>The highest ack received, or -1.</summary>
    public long LastAck => Volatile.Read(ref _lastAck);

    /// <summary><c>error</c> messages received.</summary>
    public long Errors => Volatile.Read(ref _errors);

    /// <summary>
    /// Times a <c>map</c> carried a lower ack for this bot than the previous <c>map</c> (acknowledged inputs the server
    /// lost); a <c>joined</c> starts afresh. 0 in a healthy run.
    /// </summary>
    public long AckRegressions => _gaps.AckRegressions;

    private bool TryTransition(BotState from, BotState to) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;

    private void SetState(BotState to) => Volatile.Write(ref _state, (int)to);

    private void SetFailure(string reason) => Interlocked.CompareExchange(ref _failureReason, reason, null);

    private void SetPlayerId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return;
        }
        Volatile.Write(ref _playerId, id);
        _playerIdUtf8 = Encoding.UTF8.GetBytes(id);
    }

    private static byte[] RentSendBuffer(int size) => ArrayPool<byte>.Shared.Rent(size);
}
