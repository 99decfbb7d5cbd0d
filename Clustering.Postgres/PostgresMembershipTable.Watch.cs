using Npgsql;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>The membership watch: LISTEN on one dedicated connection, reconnect with backoff.</summary>
public sealed partial class PostgresMembershipTable
{
    /// <inheritdoc />
    /// <remarks>
    /// Holds one pooled connection that LISTENs on channel <c>cluster_membership</c>; writers NOTIFY it on every
    /// status change and, with <see cref="PostgresClusteringOptions.NotifyOnHeartbeat"/>, on every heartbeat.
    /// <paramref name="onChanged"/> is also called once each time listening starts (first connect and every
    /// reconnect), because changes made while nobody listened are not replayed: re-read on each call. Calls are
    /// sequential, never concurrent; one that throws is logged and the watch goes on. After a connection error
    /// the watch reconnects after <see cref="PostgresClusteringOptions.WatchReconnectDelay"/>, doubling up to
    /// <see cref="PostgresClusteringOptions.WatchReconnectMaxDelay"/>; an idle connection is pinged every
    /// <see cref="PostgresClusteringOptions.WatchPingInterval"/> so a silently dead one is noticed.
    /// </remarks>
    public async Task WatchAsync(Func<CancellationToken, Task> onChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        var delay = _options.WatchReconnectDelay;
        var pingMs = (int)Math.Max(1, _options.WatchPingInterval.TotalMilliseconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _database.EnsureSchemaAsync(cancellationToken);
                await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
                // Notifications are also processed while the ping runs, not only inside WaitAsync: the event sees them all.
                var notified = 0;
                connection.Notification += (_, _) => Volatile.Write(ref notified, 1);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.MembershipChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }
                PostgresClusteringLog.WatchListening(_logger, PostgresSchema.MembershipChannel);
                delay = _options.WatchReconnectDelay;

                await InvokeAsync(onChanged, cancellationToken);
                while (true)
                {
                    if (Interlocked.Exchange(ref notified, 0) == 1)
                    {
                        await InvokeAsync(onChanged, cancellationToken);
                    }
                    else if (!await connection.WaitAsync(pingMs, cancellationToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                PostgresClusteringLog.WatchConnectionFailed(_logger, e, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.WatchReconnectMaxDelay.Ticks));
            }
        }
    }

    /// <summary>Runs the caller's handler; its failure is logged, not fatal. Cancellation of the watch propagates.</summary>
    private async Task InvokeAsync(Func<CancellationToken, Task> onChanged, CancellationToken cancellationToken)
    {
        try
        {
            await onChanged(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            PostgresClusteringLog.WatchHandlerFailed(_logger, e);
        }
    }
}
