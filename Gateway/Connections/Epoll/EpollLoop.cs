using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Game.Gateway.Connections.Epoll;

/// <summary>What an <see cref="EpollLoop"/> calls for a socket it watches. Called on the loop's thread only; must not block.</summary>
internal interface IEpollHandler
{
    /// <summary>The socket's ready events (<see cref="LinuxSockets.EPOLLIN"/> and the like), edge-triggered: each change is reported once.</summary>
    void OnEvents(uint events);

    /// <summary>About once a second, with <see cref="Environment.TickCount64"/> (ms): a chance to send keep-alive frames.</summary>
    void OnSweep(long nowMs);
}

/// <summary>
/// A handler whose first <c>recv</c> of a readable edge its <see cref="EpollLoop"/> may make, in one <see cref="IoUring"/>
/// batch with the other sockets' of the same pass (docs/performance.md, issue 11, "Sixteenth pass"). Called on the loop's
/// thread only; must not block.
/// </summary>
internal interface IEpollBatchReader : IEpollHandler
{
    /// <summary>
    /// For a readable edge (<paramref name="events"/>): queues the socket's <c>recv</c> into <paramref name="ring"/> under
    /// <paramref name="tag"/> and returns true, keeping the descriptor and the buffer for it until <see cref="OnEventsRead"/>;
    /// or returns false, queueing nothing, and the loop calls <see cref="IEpollHandler.OnEvents"/> as usual.
    /// </summary>
    bool TryQueueRead(uint events, IoUring ring, int tag);

    /// <summary>Called once for each true <see cref="TryQueueRead"/>, after the batch, with the <c>recv</c>'s result (bytes, 0 at end of stream, or <c>-errno</c>), in place of <see cref="IEpollHandler.OnEvents"/>.</summary>
    void OnEventsRead(uint events, int result);
}

/// <summary>What an <see cref="EpollLoop"/> tells about its passes, on the loop's thread. Must not block.</summary>
internal interface IEpollPassObserver
{
    /// <summary>The loop's thread has started; called once, before its first wait.</summary>
    void OnLoopStarted();

    /// <summary>
    /// A pass ended: every socket that one wait reported has been served (called after each wait that reported any, after
    /// each sweep, and after a wait that ended at <see cref="NextDue"/>).
    /// </summary>
    void OnPassEnd();

    /// <summary>
    /// When the observer next needs <see cref="OnPassEnd"/> even if no socket is ready (a <see cref="Stopwatch.GetTimestamp"/>
    /// value): the loop's wait ends by then, give or take a millisecond. 0: not before a socket is ready.
    /// </summary>
    long NextDue { get; }
}

/// <summary>
/// One thread waiting on one epoll instance for the sockets of players' connections, edge-triggered, and calling each
/// socket's <see cref="IEpollHandler"/> on that thread: a receive is read and handed to the connection's receive loop
/// in one step, without a thread-pool hop (docs/performance.md, "Fifth pass").
/// </summary>
/// <remarks>
/// <para>
/// A registration is a slot in a table, named in the event by its index and a generation count, so that an event read
/// before a socket was removed, and delivered after, finds the generation changed and is dropped.
/// </para>
/// <para>
/// With an <see cref="IoUring"/> (<see cref="GatewayOptions.IoUring"/>), a pass that two or more sockets are ready for
/// makes their first <c>recv</c>s in one batch (<see cref="IEpollBatchReader"/>): one entry into the kernel per pass
/// instead of one per socket.
/// </para>
/// <para>
/// A poll interval paces a busy loop (<see cref="GatewayOptions.IoPollInterval"/>): after a batch it sleeps until the
/// interval since that batch's wait returned has passed, so that the next wait gathers every socket that became ready
/// meanwhile, as a network card's interrupt moderation does. The inputs of many players then reach the thread pool in
/// one burst that one woken worker serves, instead of one wake-up each. An idle loop blocks in the wait as before, so
/// the first message after a quiet spell is served at once; a message waits at most the interval.
/// </para>
/// </remarks>
internal sealed unsafe partial class EpollLoop : IDisposable
{
    private const int BatchSize = 256;
    private const int SweepIntervalMs = 1_000;

    private readonly int _epoll;
    private readonly long _pollInterval; // Stopwatch ticks; 0: no pacing
    private readonly ILogger _logger;
    private readonly IEpollPassObserver? _observer;
    private readonly Lock _lock = new();
    private volatile Slot[] _slots = new Slot[64];
    private readonly Stack<int> _free = new();
    private int _used;
    private volatile bool _stopping;
    private readonly int _batchReadsFrom;

    private sealed class Slot
    {
        public readonly uint Generation;
        public volatile IEpollHandler? Handler;
        public volatile IEpollBatchReader? Reader; // Handler, if it reads in batches: cast once, not per event

        public Slot(IEpollHandler handler, uint generation)
        {
            Generation = generation;
            Point(handler);
        }

        /// <summary>Points the slot at <paramref name="handler"/>; null frees it.</summary>
        public void Point(IEpollHandler? handler)
        {
            Reader = handler as IEpollBatchReader;
            Handler = handler;
        }
    }

    /// <summary>Creates the epoll instance and starts the loop's thread (named <paramref name="name"/>).</summary>
    /// <param name="name">The thread's name.</param>
    /// <param name="pollInterval">The least time between two waits of a busy loop (see the remarks); zero: none.</param>
    /// <param name="logger">For the loop's log (event ids 1311–1314).</param>
    /// <param name="observer">Told, on the loop's thread, when it starts and when each pass ends; or null.</param>
    /// <param name="batchReadsFrom">
    /// Passes of at least this many ready sockets make their <c>recv</c>s in one io_uring batch, where the kernel allows a
    /// ring (else, logged once, one call each). 0: never. The gateway uses 2 (one socket gains nothing from a batch); a
    /// test uses 1, to send every read through the ring.
    /// </param>
    /// <exception cref="IOException">The epoll instance could not be made (the process's descriptor limit).</exception>
    public EpollLoop(string name, TimeSpan pollInterval, ILogger logger, IEpollPassObserver? observer = null, int batchReadsFrom = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchReadsFrom);
        _logger = logger;
        _observer = observer;
        _batchReadsFrom = batchReadsFrom;
        _pollInterval = (long)(pollInterval.TotalSeconds * Stopwatch.Frequency);
        _epoll = LinuxSockets.CreateEpoll();
        if (_epoll < 0) throw new IOException($"epoll_create1 failed: errno {LinuxSockets.LastError}");
        new Thread(Run) { IsBackground = true, Name = name }.Start();
    }

    /// <summary>Watches <paramref name="fd"/> for reading, writing and hang-ups (edge-triggered) on behalf of <paramref name="handler"/>.</summary>
    /// <returns>The registration, for <see cref="Remove"/>.</returns>
    /// <exception cref="IOException">epoll refused the descriptor (already closed).</exception>
    public Registration Add(int fd, IEpollHandler handler)
    {
        int index;
        uint generation;
        lock (_lock)
        {
            if (!_free.TryPop(out index))
            {
                index = _used++;
                if (index == _slots.Length)
                {
                    var grown = new Slot[_slots.Length * 2];
                    Array.Copy(_slots, grown, _slots.Length);
                    _slots = grown;
                }
            }
            generation = (_slots[index]?.Generation ?? 0) + 1;
            _slots[index] = new Slot(handler, generation);
        }
        var data = ((ulong)generation << 32) | (uint)index;
        if (LinuxSockets.Add(_epoll, fd, LinuxSockets.EPOLLIN | LinuxSockets.EPOLLOUT | LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLET, data) != 0)
        {
            var error = LinuxSockets.LastError;
            Free(index, generation);
            throw new IOException($"epoll_ctl(ADD) failed: errno {error}");
        }
        return new Registration(this, fd, index, generation);
    }

    /// <summary>Points a registration at another handler (the upgrade's wait, then the WebSocket).</summary>
    public void Retarget(Registration registration, IEpollHandler handler) => _slots[registration.Index].Point(handler);

    /// <summary>
    /// Stops watching the socket: no call reaches its handler once this returns, except one already under way on the
    /// loop's thread. A second call for the same registration does nothing.
    /// </summary>
    public void Remove(Registration registration)
    {
        if (!Free(registration.Index, registration.Generation)) return;
        LinuxSockets.Remove(_epoll, registration.Fd); // fails harmlessly if the descriptor is closed: closing removed it
    }

    private bool Free(int index, uint generation)
    {
        lock (_lock)
        {
            var slot = _slots[index];
            if (slot.Generation != generation || slot.Handler is null) return false; // freed already
            slot.Point(null);
            _free.Push(index);
            return true;
        }
    }

    /// <summary>Sockets watched now.</summary>
    public int Count
    {
        get { lock (_lock) return _used - _free.Count; }
    }

    /// <summary>Whether the loop's thread makes its passes' reads in io_uring batches (false until it has made its ring, and where the kernel refuses one).</summary>
    public bool BatchesReads { get; private set; }

    /// <summary><c>recv</c>s made in io_uring batches so far (for tests and diagnostics).</summary>
    public long BatchedReads => Volatile.Read(ref _batchedReads);

    private long _batchedReads;

    private void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(BatchSize * LinuxSockets.EpollEventSize));
        var nextSweep = Environment.TickCount64 + SweepIntervalMs;
        using var reads = _batchReadsFrom > 0 ? ReadBatch.TryCreate(_logger) : null;
        BatchesReads = reads is not null;
        _observer?.OnLoopStarted();
        try
        {
            while (!_stopping)
            {
                var count = LinuxSockets.Wait(_epoll, events, BatchSize, WaitTimeoutMs());
                var polled = _pollInterval > 0 ? Stopwatch.GetTimestamp() : 0;
                if (count < 0)
                {
                    var error = LinuxSockets.LastError;
                    if (error == LinuxSockets.EINTR) continue;
                    if (_stopping) break;
                    Log.WaitFailed(_logger, error);
                    Thread.Sleep(100);
                    continue;
                }
                if (reads is { Broken: false } && count >= _batchReadsFrom)
                {
                    reads.Read(this, events, count);
                }
                else
                {
                    for (var i = 0; i < count; i++)
                    {
                        if (SlotAt(events, i)?.Handler is { } handler) Dispatch(handler, LinuxSockets.EventsAt(events, i));
                    }
                }
                if (count > 0 || IsObserverDue()) EndPass();
                var now = Environment.TickCount64;
                if (now >= nextSweep)
                {
                    nextSweep = now + SweepIntervalMs;
                    Sweep(now);
                    EndPass();
                }
                if (count > 0 && _pollInterval > 0) Pace(polled);
            }
        }
        finally
        {
            NativeMemory.Free(events);
            LinuxSockets.Close(_epoll);
        }
    }

    /// <summary>How long the next wait may block, ms: until the observer's <see cref="IEpollPassObserver.NextDue"/> (rounded up), at most the sweep interval.</summary>
    private int WaitTimeoutMs() => _observer is null ? SweepIntervalMs : WaitTimeoutMs(_observer.NextDue, Stopwatch.GetTimestamp());

    /// <summary>
    /// The wait's timeout, ms, for an observer due at <paramref name="due"/> (0: not due) at <paramref name="now"/> (both
    /// Stopwatch timestamps): the time left rounded up, so the wait never ends before it; 0 once due; at most the sweep
    /// interval (1,000 ms).
    /// </summary>
    internal static int WaitTimeoutMs(long due, long now)
    {
        if (due == 0) return SweepIntervalMs;
        var rest = due - now;
        if (rest <= 0) return 0;
        return (int)Math.Min(SweepIntervalMs, (rest * 1_000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
    }

    /// <summary>Whether the observer's <see cref="IEpollPassObserver.NextDue"/> has come.</summary>
    private bool IsObserverDue() => _observer is not null && _observer.NextDue is var due && due != 0 && due <= Stopwatch.GetTimestamp();

    /// <summary>Sleeps until the poll interval since <paramref name="polled"/> (a Stopwatch timestamp) has passed.</summary>
    private void Pace(long polled)
    {
        var rest = polled + _pollInterval - Stopwatch.GetTimestamp();
        if (rest > 0) LinuxSockets.Sleep((long)((double)rest * 1_000_000_000 / Stopwatch.Frequency));
    }

    /// <summary>The slot of the <paramref name="i"/>th event filled by the wait, or null if its socket was removed since (its handler is then null too).</summary>
    private Slot? SlotAt(byte* events, int i)
    {
        var data = LinuxSockets.DataAt(events, i);
        var index = (int)(uint)data;
        var slots = _slots;
        var slot = index < slots.Length ? slots[index] : null;
        return slot is null || slot.Generation != (uint)(data >> 32) ? null : slot;
    }

    private void Dispatch(IEpollHandler handler, uint events)
    {
        try
        {
            handler.OnEvents(events);
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, ex);
        }
    }

    private void EndPass()
    {
        try
        {
            _observer?.OnPassEnd();
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, ex);
        }
    }

    private void Sweep(long now)
    {
        var slots = _slots;
        foreach (var slot in slots)
        {
            if (slot?.Handler is not { } handler) continue;
            try
            {
                handler.OnSweep(now);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, ex);
            }
        }
    }

    /// <summary>
    /// Stops the loop: its thread ends, and closes the epoll instance, within a second (its longest wait); the sockets are
    /// their owners' to close. Returns at once.
    /// </summary>
    public void Dispose() => _stopping = true;

    /// <summary>A loop thread's ring and scratch for a pass's reads in one batch.</summary>
    private sealed class ReadBatch : IDisposable
    {
        private const uint ReadEvents = LinuxSockets.EPOLLIN | LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLHUP | LinuxSockets.EPOLLERR;
        private readonly IoUring _ring;
        private readonly IEpollBatchReader?[] _queued = new IEpollBatchReader?[BatchSize];
        private readonly Slot?[] _eventSlots = new Slot?[BatchSize];
        private readonly int[] _results = new int[BatchSize];

        private const int NotCompleted = int.MinValue;

        private ReadBatch(IoUring ring) => _ring = ring;

        /// <summary>Whether the ring failed; the loop then reads each socket with a call of its own.</summary>
        public bool Broken { get; private set; }

        /// <summary>A batch with a ring of <see cref="BatchSize"/> entries, or null (logged) when the kernel refuses one.</summary>
        public static ReadBatch? TryCreate(ILogger logger)
        {
            if (IoUring.TryCreate(BatchSize, out var error) is { } ring) return new ReadBatch(ring);
            Log.NoRing(logger, error);
            return null;
        }

        /// <summary>
        /// Serves the <paramref name="count"/> events of one wait: the readable sockets' first <c>recv</c>s in one batch,
        /// then every handler in the events' order.
        /// </summary>
        public void Read(EpollLoop loop, byte* events, int count)
        {
            var queued = 0;
            for (var i = 0; i < count; i++)
            {
                var ready = LinuxSockets.EventsAt(events, i);
                var slot = _eventSlots[i] = loop.SlotAt(events, i);
                if ((ready & ReadEvents) != 0 && slot?.Reader is { } reader && reader.TryQueueRead(ready, _ring, i))
                {
                    _queued[i] = reader;
                    queued++;
                }
            }
            if (queued > 0)
            {
                Volatile.Write(ref loop._batchedReads, loop._batchedReads + queued);
                _results.AsSpan(0, count).Fill(NotCompleted);
                try
                {
                    _ring.SubmitAndWait(_results);
                }
                catch (IOException ex)
                {
                    // The ring is broken: the reads it did not complete are made by their handlers, and it is used no more.
                    Log.BatchFailed(loop._logger, ex);
                    Broken = true;
                    foreach (ref var result in _results.AsSpan(0, count))
                    {
                        if (result == NotCompleted) result = -LinuxSockets.EINTR;
                    }
                }
            }
            for (var i = 0; i < count; i++)
            {
                var ready = LinuxSockets.EventsAt(events, i);
                if (_queued[i] is { } reader)
                {
                    _queued[i] = null;
                    try
                    {
                        reader.OnEventsRead(ready, _results[i]);
                    }
                    catch (Exception ex)
                    {
                        Log.HandlerFailed(loop._logger, ex);
                    }
                }
                else if (_eventSlots[i]?.Handler is { } handler) // read again: the socket may have been removed meanwhile
                {
                    loop.Dispatch(handler, ready);
                }
                _eventSlots[i] = null;
            }
        }

        public void Dispose() => _ring.Dispose();
    }

    /// <summary>One socket watched by a loop: its descriptor and slot.</summary>
    /// <param name="Loop">The loop watching it.</param>
    /// <param name="Fd">The socket's descriptor.</param>
    /// <param name="Index">Its slot in the loop's table.</param>
    /// <param name="Generation">The slot's generation when it was taken.</param>
    internal readonly record struct Registration(EpollLoop Loop, int Fd, int Index, uint Generation);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1311, Level = LogLevel.Error, Message = "A socket's handler failed on the epoll loop; the loop goes on")]
        public static partial void HandlerFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "epoll_wait failed (errno {Error}); the loop waits 100 ms and goes on")]
        public static partial void WaitFailed(ILogger logger, int error);

        [LoggerMessage(EventId = 1313, Level = LogLevel.Information, Message = "The kernel refused an io_uring (errno {Error}): the epoll loop reads each socket with a call of its own")]
        public static partial void NoRing(ILogger logger, int error);

        [LoggerMessage(EventId = 1314, Level = LogLevel.Error, Message = "An io_uring batch of reads failed; the epoll loop reads each socket with a call of its own from now on")]
        public static partial void BatchFailed(ILogger logger, Exception exception);
    }
}
