using System.Net.Sockets;
using Game.Runtime.Hosting;

namespace Game.Runtime.Networking;

/// <summary>
/// The pool's persistent link to one remote silo: at most one open <see cref="Connection"/>, opened on first use and
/// reopened after a failure with exponential backoff (100 ms doubling to <see cref="ClusterNetworkingOptions.ReconnectBackoffMax"/>)
/// while the silo is not dead. During backoff <see cref="Acquire()"/> returns null: calls fail fast.
/// </summary>
internal sealed class SiloConnection
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    private readonly SiloConnectionPool _pool;
    private readonly Lock _lock = new();
    private Connection? _current;
    private int _failures;
    private long _retryAt;
    private ITimer? _retry;
    private bool _disposed;

    public SiloConnection(SiloConnectionPool pool, SiloAddress silo)
    {
        _pool = pool;
        Silo = silo;
    }

    public SiloAddress Silo { get; }

    /// <summary>The current connection (open, connecting or just closed), or null.</summary>
    public Connection? Current => Volatile.Read(ref _current);

    /// <summary>The open or connecting connection; starts connecting if there is none. Null while backing off or disposed.</summary>
    public Connection? Acquire() => Acquire(retrying: false);

    /// <param name="retrying">The backoff timer fired: connect even if the clock says the backoff has a moment left (timers may fire early).</param>
    private Connection? Acquire(bool retrying)
    {
        var connection = Volatile.Read(ref _current);
        if (connection is { IsClosed: false }) return connection;
        lock (_lock)
        {
            connection = _current;
            if (connection is { IsClosed: false }) return connection;
            if (_disposed || (!retrying && _pool.Time.GetTimestamp() < _retryAt)) return null;
            connection = _pool.CreateOutbound(Silo, OnClosed);
            Volatile.Write(ref _current, connection);
        }
        _ = ConnectAsync(connection);
        return connection;
    }

    private async Task ConnectAsync(Connection connection)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using (var timeout = new CancellationTokenSource(_pool.Options.ConnectTimeout, _pool.Time))
            {
                await socket.ConnectAsync(Silo.Host, Silo.Port, timeout.Token).ConfigureAwait(false);
            }
            if (connection.IsClosed)
            {
                socket.Dispose();
                return;
            }
            connection.Start(socket);
            _pool.OnConnected(Silo, connection);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            var reason = ex is OperationCanceledException ? $"no answer within {_pool.Options.ConnectTimeout.TotalSeconds:F1} s" : ex.Message;
            connection.Abort(new SiloUnavailableException($"Cannot connect to silo {Silo}: {reason}."));
        }
    }

    private void OnClosed(Connection connection)
    {
        TimeSpan delay;
        lock (_lock)
        {
            if (_current != connection || _disposed) return;
            // A connection that completed its handshake was healthy: start the backoff over.
            _failures = connection.PeerName is null ? _failures + 1 : 1;
            var factor = Math.Pow(2, Math.Min(_failures - 1, 16));
            delay = TimeSpan.FromTicks((long)Math.Min(FirstBackoff.Ticks * factor, _pool.Options.ReconnectBackoffMax.Ticks));
            _retryAt = _pool.Time.GetTimestamp() + (long)(delay.TotalSeconds * _pool.Time.TimestampFrequency);
            _retry?.Dispose();
            _retry = _pool.Time.CreateTimer(static s => ((SiloConnection)s!).Reconnect(), this, delay, Timeout.InfiniteTimeSpan);
        }
        if (connection.PeerName is null)
            NetworkingLog.ConnectFailed(_pool.Logger, Silo.ToString(), _failures, delay.TotalMilliseconds, connection.CloseReason?.Message ?? "closed");
    }

    private void Reconnect()
    {
        if (_disposed || _pool.IsDead(Silo)) return;
        Acquire(retrying: true);
    }

    /// <summary>Stops reconnecting and closes the connection (its pending calls fail with <see cref="SiloUnavailableException"/>).</summary>
    public Task CloseAsync(TimeSpan timeout, Exception? reason)
    {
        Connection? connection;
        lock (_lock)
        {
            _disposed = true;
            _retry?.Dispose();
            connection = _current;
        }
        if (connection is null) return Task.CompletedTask;
        if (reason is null) return connection.CloseAsync(timeout);
        connection.Abort(reason);
        return Task.CompletedTask;
    }
}
