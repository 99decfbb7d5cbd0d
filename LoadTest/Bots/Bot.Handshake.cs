using System.Net.WebSockets;

namespace Game.LoadTest;

public sealed partial class Bot
{
    private TaskCompletionSource<(ServerMessage Message, long Timestamp)>? _waiter;
    private int _awaiting;
    private int _receiveEnded;

    /// <summary>
    /// Opens the WebSocket, sends <c>hello</c>, waits for <c>welcome</c>, sends <c>join</c> and waits for <c>joined</c>
    /// (retrying a join answered <c>unavailable</c>), all within <see cref="BotSettings.HandshakeTimeout"/>.
    /// On success the bot is <see cref="BotState.Playing"/> and its join latency is recorded.
    /// </summary>
    /// <param name="cancellationToken">Abandons the handshake (the bot then fails with reason "cancelled").</param>
    /// <returns>True when seated; false when the connection or the join failed (see <see cref="FailureReason"/>). Never throws for network errors.</returns>
    /// <exception cref="InvalidOperationException">The bot was already started.</exception>
    public async Task<bool> ConnectAndJoinAsync(CancellationToken cancellationToken = default)
    {
        if (!TryTransition(BotState.Created, BotState.Connecting))
        {
            throw new InvalidOperationException("A bot connects once.");
        }

        using var timeout = new CancellationTokenSource(Settings.HandshakeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;

        var socket = new ClientWebSocket();
        _socket = socket;
        try
        {
            if (_invoker is null)
            {
                await socket.ConnectAsync(Settings.Url, token).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(Settings.Url, _invoker, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsNetworkFailure(ex))
        {
            Fail(connectFailure: true, "connect: " + Describe(ex, cancellationToken));
            return false;
        }

        SetState(BotState.Joining);
        _receiveLoop = ReceiveLoopAsync(socket);
        try
        {
            var (welcome, _) = await RequestAsync(socket, _codec.EncodeHello(Settings.Name), ServerMessageKind.Welcome, token).ConfigureAwait(false);
            if (welcome.Kind != ServerMessageKind.Welcome)
            {
                Fail(connectFailure: false, "hello: error " + welcome.ErrorCode);
                return false;
            }

            var join = _codec.EncodeJoin(Settings.Room, Settings.Kind, Settings.RoomMax);
            for (var attempt = 0; ; attempt++)
            {
                var sentAt = _time.GetTimestamp();
                var (reply, receivedAt) = await RequestAsync(socket, join, ServerMessageKind.Joined, token).ConfigureAwait(false);
                if (reply.Kind == ServerMessageKind.Joined)
                {
                    var latency = _time.GetElapsedTime(sentAt, receivedAt);
                    _joinLatencyMs = latency.TotalMilliseconds;
                    _metrics.JoinLatency.Record(latency);
                    if (!TryTransition(BotState.Joining, BotState.Playing))
                    {
                        return false; // the connection was lost in between; already reported
                    }
                    return true;
                }
                if (reply.ErrorCode == "unavailable" && attempt < Settings.JoinRetries)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 << attempt), _time, token).ConfigureAwait(false);
                    continue;
                }
                Fail(connectFailure: false, "join: error " + reply.ErrorCode);
                return false;
            }
        }
        catch (Exception ex) when (IsNetworkFailure(ex))
        {
            Fail(connectFailure: false, "join: " + Describe(ex, cancellationToken));
            return false;
        }
    }

    private async Task<(ServerMessage Message, long Timestamp)> RequestAsync(
        ClientWebSocket socket, byte[] payload, ServerMessageKind expected, CancellationToken token)
    {
        var waiter = new TaskCompletionSource<(ServerMessage, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _awaiting, (int)expected);
        Interlocked.Exchange(ref _waiter, waiter); // full fence: pairs with the receive loop's end (see FailHandshakeWaiter)
        if (Volatile.Read(ref _receiveEnded) != 0)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The connection closed during the handshake.");
        }
        await socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, token).ConfigureAwait(false); // hello and join are JSON in every encoding
        return await waiter.Task.WaitAsync(token).ConfigureAwait(false);
    }

    /// <summary>Called by the receive loop for each message while a handshake step waits.</summary>
    private void CompleteHandshakeStep(in ServerMessage message, long timestamp)
    {
        var waiter = Volatile.Read(ref _waiter);
        if (waiter is null)
        {
            return;
        }
        if (message.Kind == (ServerMessageKind)Volatile.Read(ref _awaiting) || message.Kind == ServerMessageKind.Error)
        {
            if (Interlocked.CompareExchange(ref _waiter, null, waiter) == waiter)
            {
                waiter.TrySetResult((message, timestamp));
            }
        }
    }

    /// <summary>Called once by the receive loop when it ends: fails a waiting handshake step, or the next one.</summary>
    private void FailHandshakeWaiter()
    {
        Interlocked.Exchange(ref _receiveEnded, 1);
        var waiter = Interlocked.Exchange(ref _waiter, null);
        waiter?.TrySetException(new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The connection closed during the handshake."));
    }

    private void Fail(bool connectFailure, string reason)
    {
        SetFailure(reason);
        SetState(BotState.Failed);
        if (connectFailure)
        {
            _metrics.RecordConnectFailure();
        }
        else
        {
            _metrics.RecordJoinFailure();
        }
        _socket?.Abort();
    }

    private static bool IsNetworkFailure(Exception ex) =>
        ex is WebSocketException or HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException;

    private static string Describe(Exception ex, CancellationToken callerToken) => ex switch
    {
        OperationCanceledException when callerToken.IsCancellationRequested => "cancelled",
        OperationCanceledException => "timed out",
        _ => ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message,
    };
}
