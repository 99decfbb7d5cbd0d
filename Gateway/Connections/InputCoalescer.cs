using Game.Grains.Interfaces;
using Orleans;

namespace Game.Gateway.Connections;

/// <summary>
/// Gathers the inputs one epoll loop reads in one pass over its ready sockets, per room, and sends them when the pass
/// ends: one <see cref="IRoomGrain.Inputs"/> call per room that had two or more, one <see cref="IRoomGrain.Input"/> for a
/// room that had one. An input waits only for the rest of its pass (microseconds; the loop's pace,
/// <see cref="GatewayOptions.IoPollInterval"/>, is spent before the next wait, after the flush), so input latency is as
/// before, while the grain calls per input fall with the number of a room's players whose inputs arrive together
/// (docs/performance.md, issue 11, "Eighth pass").
/// </summary>
/// <remarks>
/// Owned by one loop's thread and touched only there (no lock): <see cref="Current"/> is that thread's coalescer, null on
/// every other thread, where an input is sent at once as before. Nothing is held across passes.
/// </remarks>
internal sealed partial class InputCoalescer : Epoll.IEpollPassObserver
{
    [ThreadStatic] private static InputCoalescer? t_current;

    private readonly ILogger _logger;
    private readonly Dictionary<object, Pending> _byRoom = new(ReferenceEqualityComparer.Instance);
    private readonly List<Pending> _order = [];
    private readonly Stack<Pending> _free = new();

    /// <summary>Creates a coalescer for one loop; it is <see cref="Current"/> on that loop's thread once the loop starts.</summary>
    /// <param name="logger">For a failed send (event id 1313).</param>
    public InputCoalescer(ILogger logger) => _logger = logger;

    /// <summary>The coalescer of the epoll loop running on this thread, or null on any other thread.</summary>
    public static InputCoalescer? Current => t_current;

    /// <summary>One room's inputs in this pass.</summary>
    private sealed class Pending
    {
        public IRoomGrain Room = null!;
        public readonly List<string> PlayerIds = new(8);
        public readonly List<PlayerInput> Inputs = new(8);
    }

    /// <summary>
    /// Holds <paramref name="input"/> of <paramref name="playerId"/> for <paramref name="room"/> until this pass ends.
    /// <paramref name="key"/> names the room on this gateway (its <see cref="Feeds.RoomFeed"/>), compared by reference.
    /// </summary>
    public void Add(object key, IRoomGrain room, string playerId, in PlayerInput input)
    {
        if (!_byRoom.TryGetValue(key, out var pending))
        {
            pending = _free.Count > 0 ? _free.Pop() : new Pending();
            pending.Room = room;
            _byRoom.Add(key, pending);
            _order.Add(pending);
        }
        pending.PlayerIds.Add(playerId);
        pending.Inputs.Add(input);
    }

    /// <inheritdoc />
    public void OnLoopStarted() => t_current = this;

    /// <inheritdoc />
    public void OnPassEnd() => Flush();

    /// <summary>
    /// Sends every input gathered so far in this pass (one call per room), now. A connection that is ending calls it before
    /// it reports the drop, so that its last inputs reach the room before the room hears it is away, as they did when each
    /// input went alone.
    /// </summary>
    public void Flush()
    {
        if (_order.Count == 0) return;
        foreach (var pending in _order)
        {
            Diagnostics.GatewayMetrics.RecordInputCall();
            try
            {
                if (pending.Inputs.Count == 1) pending.Room.Input(pending.PlayerIds[0], pending.Inputs[0]).Ignore();
                else pending.Room.Inputs(new InputBatch([.. pending.PlayerIds], [.. pending.Inputs])).Ignore();
            }
            catch (Exception ex)
            {
                Log.SendFailed(_logger, ex);
            }
            pending.PlayerIds.Clear();
            pending.Inputs.Clear();
            pending.Room = null!;
            _free.Push(pending);
        }
        _order.Clear();
        _byRoom.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Sending a pass's inputs to a room failed; they are dropped")]
        public static partial void SendFailed(ILogger logger, Exception exception);
    }
}
