using System.Net.WebSockets;
using Game.Grains.Interfaces;

namespace Game.Gateway.Connections;

/// <summary>The send loop and the helpers that queue replies.</summary>
internal sealed partial class PlayerConnection
{
    /// <summary>Sends what the queue yields until it yields the close; never throws.</summary>
    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                var item = await _queue.DequeueAsync().ConfigureAwait(false);
                if (item.InFlight is { } inFlight)
                {
                    await inFlight.ConfigureAwait(false);
                    continue;
                }
                if (item.Close is { } close)
                {
                    if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(close.Status, close.Description, CancellationToken.None).ConfigureAwait(false);
                    }
                    return;
                }
                await _socket.SendAsync(item.Frame.Payload, item.Frame.MessageType, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                Diagnostics.GatewayMetrics.RecordSent(item.Frame.Payload.Length);
            }
        }
        catch (Exception ex) when (IsConnectionLoss(ex))
        {
            Log.SendStopped(_logger, ConnectionId, ex.GetType().Name);
            _socket.Abort(); // ends the receive loop too
        }
        catch (Exception ex)
        {
            Log.SendLoopFailed(_logger, ex, ConnectionId);
            _socket.Abort();
        }
    }

    /// <summary>
    /// Sends a snapshot on the caller's (a room feed's) thread, the send side having been taken with
    /// <see cref="OutgoingQueue.TryBeginDirectSend"/>. Never throws and never waits: a send that does not complete at
    /// once, or fails, is handed to the send loop, which awaits it (and handles a failure as it does its own).
    /// </summary>
    private void SendSnapshotNow(OutgoingFrame frame)
    {
        Diagnostics.GatewayMetrics.RecordSnapshotSent(frame.Payload.Length);
        try
        {
            var send = _socket.SendAsync(frame.Payload, frame.MessageType, endOfMessage: true, CancellationToken.None);
            if (send.IsCompleted)
            {
                send.GetAwaiter().GetResult();
                _queue.EndDirectSend();
            }
            else
            {
                _queue.HandOver(send.AsTask());
            }
        }
        catch (Exception ex)
        {
            _queue.HandOver(Task.FromException(ex));
        }
    }

    /// <summary>Queues a reliable message; a client too far behind to take it is closed (1008).</summary>
    private void Send(OutgoingFrame frame)
    {
        if (_queue.Enqueue(frame) == EnqueueResult.Overflow)
        {
            Diagnostics.GatewayMetrics.RecordQueueOverflow();
            Log.SendQueueOverflow(_logger, ConnectionId, _playerId, _options.SendQueueCapacity);
            Close(WebSocketCloseStatus.PolicyViolation, "too slow: send queue overflow", drain: false);
        }
    }

    /// <summary>The reply buffer, emptied, for the writer to write one message into (receive loop only).</summary>
    private System.Buffers.ArrayBufferWriter<byte> Reply()
    {
        _reply.ResetWrittenCount();
        return _reply;
    }

    /// <summary>A frame holding a copy of what was written into <see cref="Reply"/>.</summary>
    private OutgoingFrame TakeReply() => new(_reply.WrittenSpan.ToArray(), WebSocketMessageType.Text);

    /// <summary>Queues an <c>error</c> (receive loop only).</summary>
    private void SendError(ErrorCode code, string message)
    {
        _writer.WriteError(Reply(), code, message);
        Send(TakeReply());
    }
}
