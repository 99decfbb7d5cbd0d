using System.Buffers;
using System.Net.WebSockets;

namespace Game.LoadTest;

public sealed partial class Bot
{
    private int _closed;

    /// <summary>
    /// Closes the connection: waits for an in-flight send, sends a close frame (normal closure) and waits for the
    /// server's, then aborts whatever is left after <paramref name="timeout"/>. A playing bot becomes
    /// <see cref="BotState.Closed"/>; losing the connection from here on is not a disconnect if the run is closing.
    /// </summary>
    /// <param name="timeout">Longest wait for the close handshake.</param>
    /// <returns>A task that completes when the socket is closed or aborted; never faults.</returns>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        TryTransition(BotState.Playing, BotState.Closed);
        var socket = _socket;
        if (socket is not null)
        {
            using var cts = new CancellationTokenSource(timeout, _time);
            try
            {
                if (_pendingSend is { } pending)
                {
                    await pending.WaitAsync(cts.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "load test done", cts.Token).ConfigureAwait(false);
                }
                await _receiveLoop.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or TimeoutException)
            {
                // Closing is best effort: abort below.
            }
            socket.Abort();
            socket.Dispose();
            await _receiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (_sendBuffer is { } buffer)
        {
            _sendBuffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes the bot with a 5 s close timeout (see <see cref="CloseAsync"/>).</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync() => await CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);

    /// <summary>The bot's figures now.</summary>
    /// <param name="window">The measurement window's length, for <see cref="BotResult.SnapshotsPerSecond"/>.</param>
    /// <returns>A snapshot of the bot's counters. <see cref="BotResult.LongestGapMs"/> counts up to the window's end
    /// (or up to now while it is open) for a bot still playing.</returns>
    public BotResult ToResult(TimeSpan window)
    {
        var start = _metrics.MeasurementStartTimestamp;
        var end = _metrics.MeasurementEndTimestamp;
        var playing = State == BotState.Playing;
        var gap = !Settings.Kind.Ticks() ? null // no maps: no gaps to measure
            : _gaps.LongestGapMs(_time, start, !playing || start == 0 ? 0 : end != 0 ? end : _time.GetTimestamp());
        return new(
            Settings.Index,
            Settings.Name,
            Settings.Room,
            Settings.Url,
            PlayerId,
            State,
            _joinLatencyMs,
            SnapshotsReceived,
            SnapshotsInWindow,
            window > TimeSpan.Zero ? SnapshotsInWindow / window.TotalSeconds : 0,
            InputsSent,
            window > TimeSpan.Zero ? InputsInWindow / window.TotalSeconds : 0,
            InputsSkipped,
            InputsAcked,
            LastAck,
            Errors,
            FailureReason,
            gap,
            AckRegressions);
    }
}
