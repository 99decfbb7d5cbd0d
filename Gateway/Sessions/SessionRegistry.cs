using Game.Gateway.Connections;

namespace Game.Gateway.Sessions;

/// <summary>
/// Which local connection speaks for each player id, so that a session resumed on a new socket supersedes the
/// old socket instead of both acting for the player, and so that an old socket's <c>Disconnected</c> call can never
/// land after the new socket's <c>Resume</c>.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The <c>Disconnected</c> call a closed connection of <paramref name="playerId"/> still has in flight, or a completed task.</summary>
    public Task PendingDisconnect(string playerId)
    {
        lock (_lock) return _entries.TryGetValue(playerId, out var entry) ? entry.Disconnecting : Task.CompletedTask;
    }

    /// <summary>The connection that speaks for <paramref name="playerId"/> on this gateway, if any.</summary>
    public bool TryGet(string playerId, out PlayerConnection connection)
    {
        lock (_lock)
        {
            connection = _entries.TryGetValue(playerId, out var entry) ? entry.Connection! : null!;
            return connection is not null;
        }
    }

    /// <summary>Every connection that speaks for a player on this gateway (a copy).</summary>
    public PlayerConnection[] Connections()
    {
        lock (_lock) return [.. _entries.Values.Where(e => e.Connection is not null).Select(e => e.Connection!)];
    }

    /// <summary>Makes <paramref name="connection"/> the one for <paramref name="playerId"/>.</summary>
    /// <returns>The connection it replaces (to be closed without reporting a disconnect), or null.</returns>
    public PlayerConnection? Claim(string playerId, PlayerConnection connection)
    {
        lock (_lock)
        {
            _entries.TryGetValue(playerId, out var previous);
            _entries[playerId] = new Entry(connection, Task.CompletedTask);
            return ReferenceEquals(previous?.Connection, connection) ? null : previous?.Connection;
        }
    }

    /// <summary>
    /// A connection of <paramref name="playerId"/> closed. If it still speaks for the player, runs
    /// <paramref name="disconnect"/> (reporting the drop to the player grain; it must not throw) and remembers it until it completes.
    /// </summary>
    /// <returns>The disconnect call, or a completed task when another connection took over.</returns>
    public Task Release(string playerId, PlayerConnection connection, Func<Task> disconnect)
    {
        Task task;
        lock (_lock)
        {
            if (!_entries.TryGetValue(playerId, out var entry) || !ReferenceEquals(entry.Connection, connection)) return Task.CompletedTask;
            task = Task.Run(disconnect); // not inline: no grain call under the lock
            _entries[playerId] = new Entry(null, task);
        }
        return ForgetWhenDone(playerId, task);
    }

    private async Task ForgetWhenDone(string playerId, Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(playerId, out var entry) && entry.Connection is null && ReferenceEquals(entry.Disconnecting, task))
                    _entries.Remove(playerId);
            }
        }
    }

    private sealed record Entry(PlayerConnection? Connection, Task Disconnecting);
}
