using Microsoft.Extensions.Options;

namespace Game.Gateway.Connections.Epoll;

/// <summary>
/// The gateway's epoll loops (<see cref="GatewayOptions.IoThreads"/> of them, on Linux), which serve the sockets of the
/// players' connections that the gateway's own transport accepts; a new socket goes to the next loop in turn.
/// Without loops (<see cref="GatewayOptions.IoThreads"/> 0, or not Linux on x86-64 or arm64), those connections run on
/// .NET's WebSocket over its socket engine.
/// </summary>
internal sealed class EpollLoops : IDisposable
{
    private readonly EpollLoop[] _loops;
    private int _next = -1;

    /// <summary>Starts the loops' threads (named "Gateway epoll 1", 2, ...).</summary>
    /// <param name="options">The gateway's options: <see cref="GatewayOptions.IoThreads"/>, <see cref="GatewayOptions.IoPollInterval"/> and <see cref="GatewayOptions.IoUring"/>.</param>
    /// <param name="loggers">For the loops' log (event ids 1311–1314).</param>
    public EpollLoops(IOptions<GatewayOptions> options, ILoggerFactory loggers)
    {
        var count = LinuxSockets.IsSupported ? options.Value.IoThreads : 0;
        var logger = loggers.CreateLogger<EpollLoop>();
        _loops = new EpollLoop[count];
        var coalescerLogger = loggers.CreateLogger<InputCoalescer>();
        for (var i = 0; i < count; i++)
        {
            _loops[i] = new EpollLoop($"Gateway epoll {i + 1}", options.Value.IoPollInterval, logger, new InputCoalescer(coalescerLogger),
                batchReadsFrom: options.Value.IoUring ? 2 : 0);
        }
    }

    /// <summary>The loop for the next socket, or null when there are none.</summary>
    public EpollLoop? Next() =>
        _loops.Length == 0 ? null : _loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)_loops.Length)];

    /// <summary>Sockets the loops watch now (players' connections, and connections whose first request is being read).</summary>
    public int Count => _loops.Sum(loop => loop.Count);

    /// <summary>Stops the loops' threads.</summary>
    public void Dispose()
    {
        foreach (var loop in _loops) loop.Dispose();
    }
}

/// <summary>
/// Waits for a socket, watched by a loop, to become readable: the first request of a connection, before it is known to be
/// an upgrade (<see cref="GatewayTransport"/>). A readable edge before the wait is kept for it.
/// </summary>
internal sealed class ReadableSignal : IEpollHandler
{
    private const uint ReadEvents = LinuxSockets.EPOLLIN | LinuxSockets.EPOLLRDHUP | LinuxSockets.EPOLLHUP | LinuxSockets.EPOLLERR;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _waiter;
    private bool _signalled;

    /// <summary>Completes when the socket is readable (or hung up); at once if it became so since the last wait.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_signalled)
            {
                _signalled = false;
                return Task.CompletedTask;
            }
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public void OnEvents(uint events)
    {
        if ((events & ReadEvents) == 0) return;
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            waiter = _waiter;
            _waiter = null;
            _signalled = waiter is null;
        }
        waiter?.TrySetResult();
    }

    /// <inheritdoc />
    public void OnSweep(long nowMs)
    {
    }
}
