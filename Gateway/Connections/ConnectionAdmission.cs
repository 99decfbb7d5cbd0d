using System.Net;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Connections;

/// <summary>
/// Counts the gateway's open WebSocket connections per client IP address and those not yet welcomed, and refuses an
/// upgrade over <see cref="GatewayOptions.MaxConnectionsPerIp"/> or <see cref="GatewayOptions.MaxUngreetedConnections"/>
/// (answered HTTP 429 before the WebSocket is accepted; this project's limits against socket floods, working with the
/// contract's hello deadline, shared protocol.md v1.1 "Connections and operators"). Thread-safe.
/// </summary>
internal sealed class ConnectionAdmission(IOptions<GatewayOptions> options)
{
    private readonly GatewayOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _ungreeted;

    /// <summary>Connections open but not yet welcomed.</summary>
    public int Ungreeted
    {
        get
        {
            lock (_lock) return _ungreeted;
        }
    }

    /// <summary>Connections open from <paramref name="address"/>.</summary>
    public int OpenFrom(IPAddress? address)
    {
        lock (_lock) return _perAddress.GetValueOrDefault(Key(address));
    }

    /// <summary>Takes a place for a new connection from <paramref name="address"/>, or says why not.</summary>
    /// <param name="address">The client's address (null when unknown, e.g. an in-memory test server: all such share one count).</param>
    /// <param name="refusal">Why the connection is refused, for the 429 body; null when admitted.</param>
    /// <returns>The place, to be marked welcomed and disposed when the connection ends; null when refused.</returns>
    public Ticket? TryAdmit(IPAddress? address, out string? refusal)
    {
        var key = Key(address);
        lock (_lock)
        {
            var open = _perAddress.GetValueOrDefault(key);
            if (open >= _options.MaxConnectionsPerIp)
            {
                refusal = $"too many connections from this address (at most {_options.MaxConnectionsPerIp})";
                return null;
            }
            if (_ungreeted >= _options.MaxUngreetedConnections)
            {
                refusal = "too many connections waiting for hello; try again shortly";
                return null;
            }
            _perAddress[key] = open + 1;
            _ungreeted++;
        }
        refusal = null;
        return new Ticket(this, key);
    }

    private static IPAddress Key(IPAddress? address)
        => address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private void Greeted()
    {
        lock (_lock) _ungreeted--;
    }

    private void Release(IPAddress key, bool greeted)
    {
        lock (_lock)
        {
            if (!greeted) _ungreeted--;
            var open = _perAddress.GetValueOrDefault(key) - 1;
            if (open <= 0) _perAddress.Remove(key);
            else _perAddress[key] = open;
        }
    }

    /// <summary>One admitted connection's place: <see cref="Welcomed"/> once it is welcomed, disposed when it ends.</summary>
    internal sealed class Ticket(ConnectionAdmission owner, IPAddress key) : IDisposable
    {
        private int _greeted;
        private int _disposed;

        /// <summary>The connection was welcomed: it no longer counts as ungreeted. Only the first call counts.</summary>
        public void Welcomed()
        {
            if (Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _greeted, 1) == 0) owner.Greeted();
        }

        /// <summary>The connection ended. Only the first call counts.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            owner.Release(key, greeted: Interlocked.Exchange(ref _greeted, 1) == 1);
        }
    }
}
