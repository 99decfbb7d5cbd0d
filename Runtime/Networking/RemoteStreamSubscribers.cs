using System.Collections.Concurrent;

namespace Game.Runtime.Networking;

/// <summary>
/// The connections that asked (StreamSubscribe) for the items of each stream published in this process. A connection
/// that closes drops all its subscriptions; subscribing twice is the same as once.
/// </summary>
internal sealed class RemoteStreamSubscribers
{
    // Per stream, an immutable array of connections, replaced under the lock: publishers read it without locking.
    private readonly ConcurrentDictionary<StreamKey, Connection[]> _byStream = new();
    private readonly Lock _lock = new();

    public bool IsEmpty => _byStream.IsEmpty;

    /// <summary>The subscribed connections of <paramref name="key"/>, or null.</summary>
    public Connection[]? Get(in StreamKey key) => _byStream.TryGetValue(key, out var connections) ? connections : null;

    public void Add(Connection connection, StreamKey key)
    {
        lock (_lock)
        {
            if (connection.IsClosed || !connection.StreamSubscriptions.Add(key)) return;
            _byStream[key] = _byStream.TryGetValue(key, out var existing) ? [.. existing, connection] : [connection];
        }
    }

    public void Remove(Connection connection, StreamKey key)
    {
        lock (_lock)
        {
            if (connection.StreamSubscriptions.Remove(key)) RemoveFrom(key, connection);
        }
    }

    /// <summary>Drops every subscription of a closed connection.</summary>
    public void RemoveConnection(Connection connection)
    {
        lock (_lock)
        {
            foreach (var key in connection.StreamSubscriptions) RemoveFrom(key, connection);
            connection.StreamSubscriptions.Clear();
        }
    }

    private void RemoveFrom(StreamKey key, Connection connection)
    {
        if (!_byStream.TryGetValue(key, out var existing)) return;
        Connection[] rest = [.. existing.Where(c => c != connection)];
        if (rest.Length == 0) _byStream.TryRemove(key, out _);
        else _byStream[key] = rest;
    }
}
