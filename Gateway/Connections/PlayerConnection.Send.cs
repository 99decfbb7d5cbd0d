using System.Buffers;
using System.Net.WebSockets;
using Game.Protocol;
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
    /// Sends a room item (a snapshot or an event) on the caller's (a room feed's) thread, the send side having been taken
    /// with <see cref="OutgoingQueue.TryBeginDirectSend"/>. Never throws and never waits: a send that does not complete at
    /// once, or fails, is handed to the send loop, which awaits it (and handles a failure as it does its own).
    /// </summary>
    /// <param name="frame">The item's bytes.</param>
    /// <param name="batch">The delivery's batch of sends, which the send joins if it can; or null.</param>
    /// <param name="snapshot">Whether it is a snapshot (counted in <c>game.gateway.snapshots.out</c>), not an event.</param>
    private void SendNow(OutgoingFrame frame, Epoll.SendBatch? batch, bool snapshot)
    {
        if (snapshot) Diagnostics.GatewayMetrics.RecordSnapshotSent(frame.Payload.Length);
        else Diagnostics.GatewayMetrics.RecordSent(frame.Payload.Length);
        ValueTask send;
        try
        {
            if (batch is not null && _socket is Epoll.EpollWebSocket socket && batch.TryAdd(socket, frame, this)) return; // OnBatchedSend follows
            send = _socket.SendAsync(frame.Payload, frame.MessageType, endOfMessage: true, CancellationToken.None);
        }
        catch (Exception ex)
        {
            send = ValueTask.FromException(ex);
        }
        EndSendNow(send);
    }

    /// <summary>An item sent in a feed's batch (<see cref="SendNow"/>): ends as one sent here would.</summary>
    void Epoll.IBatchedSendOwner.OnBatchedSend(ValueTask sent) => EndSendNow(sent);

    /// <summary>The direct send ends: at once if the socket took it all, else the send loop waits for it.</summary>
    private void EndSendNow(ValueTask send)
    {
        try
        {
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

    /// <summary>
    /// This thread's reply scratch: a JSON writer and a buffer that every connection served on the thread shares. A
    /// reply is written into <see cref="Reply"/> and copied out by <see cref="TakeReply"/> in one synchronous step, with
    /// no await between, so a connection keeps no reply buffer of its own (it had been 4.3 KiB for most connections
    /// once a <c>joined</c> had grown it: memory per player, docs/performance.md, issue 11).
    /// </summary>
    [ThreadStatic] private static ReplyScratch? t_reply;

    /// <summary>The JSON writer of this thread's <see cref="ReplyScratch"/>, for writing into <see cref="Reply"/>.</summary>
    private static JsonMessageWriter ReplyWriter => (t_reply ??= new()).Writer;

    /// <summary>This thread's reply buffer, emptied, for the writer to write one message into.</summary>
    private static ArrayBufferWriter<byte> Reply()
    {
        var buffer = (t_reply ??= new()).Buffer;
        buffer.ResetWrittenCount();
        return buffer;
    }

    /// <summary>A frame holding a copy of what was written into <see cref="Reply"/> on this thread.</summary>
    private static OutgoingFrame TakeReply() => new(t_reply!.Buffer.WrittenSpan.ToArray(), WebSocketMessageType.Text);

    /// <summary>One thread's reply writer and buffer (<see cref="t_reply"/>).</summary>
    private sealed class ReplyScratch
    {
        /// <summary>Writes JSON replies.</summary>
        public readonly JsonMessageWriter Writer = new();

        /// <summary>Holds the reply being written; grows to the largest reply written on the thread.</summary>
        public readonly ArrayBufferWriter<byte> Buffer = new(256);
    }

    /// <summary>Queues an <c>error</c> (receive loop only).</summary>
    private void SendError(ErrorCode code, string message)
    {
        ReplyWriter.WriteError(Reply(), code, message);
        Send(TakeReply());
    }
}
