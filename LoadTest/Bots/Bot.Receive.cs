using System.Buffers;
using System.Net.WebSockets;

namespace Game.LoadTest;

public sealed partial class Bot
{
    /// <summary>Initial receive buffer: a full arena <c>map</c> (8 players) is well under 1 KiB.</summary>
    private const int InitialReceiveBuffer = 4096;

    /// <summary>Frames above this are treated as a protocol failure and end the connection.</summary>
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    // Written only by the receive loop.
    private long _snapshots;
    private long _snapshotsInWindow;
    private long _inputsAcked;
    private long _lastAck = -1;
    private long _lastAckProcessed;
    private long _errors;
    private BotCodecState _codecState = new();
    private readonly SnapshotGaps _gaps = new();

    private async Task ReceiveLoopAsync(ClientWebSocket socket)
    {
        await Task.Yield(); // let ConnectAndJoinAsync go on to send hello
        var buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        var length = 0;
        string reason = "closed by the server";
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxMessageBytes)
                    {
                        reason = $"message over {MaxMessageBytes} bytes";
                        socket.Abort();
                        break;
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                // No cancellation token: registering one per receive costs; closing or aborting the socket ends the loop.
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"closed by the server ({socket.CloseStatus?.ToString() ?? "no status"}{(string.IsNullOrEmpty(socket.CloseStatusDescription) ? "" : ": " + socket.CloseStatusDescription)})";
                    break;
                }
                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }
                OnMessage(buffer.AsSpan(0, length), result.MessageType);
                length = 0;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            reason = "connection lost: " + ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        OnReceiveEnded(reason);
    }

    private void OnMessage(ReadOnlySpan<byte> frame, WebSocketMessageType frameType)
    {
        var message = _codec.Decode(frame, frameType, _playerIdUtf8, ref _codecState);
        switch (message.Kind)
        {
            case ServerMessageKind.Map:
                OnSnapshot(message.Ack);
                Chaos?.OnMap(Settings.Index, message.Seq, message.Ack, _time.GetTimestamp());
                break;
            case ServerMessageKind.Error:
                _errors++;
                _metrics.RecordError(message.ErrorCode ?? "unknown");
                CompleteHandshakeStep(message, _time.GetTimestamp());
                break;
            case ServerMessageKind.Welcome:
            case ServerMessageKind.Joined:
                if (message.Kind == ServerMessageKind.Joined)
                {
                    _gaps.OnJoined(); // a new seat: its acks start afresh
                }
                SetPlayerId(message.Id); // set here, before the next frame (the first map may follow at once)
                CompleteHandshakeStep(message, _time.GetTimestamp());
                break;
            case ServerMessageKind.Relay:
                OnRelay(message);
                break;
            case ServerMessageKind.Draw:
                OnDraw(message);
                break;
            case ServerMessageKind.Malformed:
                _errors++;
                _metrics.RecordError("malformed_frame");
                break;
        }
    }

    /// <summary>
    /// Counts one snapshot, records the gap since the previous one and whether the ack went backwards
    /// (<see cref="SnapshotGaps"/>), and the latency of every input it acknowledges for the first time.
    /// </summary>
    private void OnSnapshot(long ack)
    {
        _snapshots++;
        var now = _time.GetTimestamp();
        var measuring = _metrics.IsMeasuring;
        if (measuring)
        {
            _snapshotsInWindow++;
        }
        _gaps.OnMap(ack, now, measuring ? _metrics.MeasurementStartTimestamp : 0);
        if (ack > _lastAck)
        {
            _lastAck = ack;
        }
        if (ack <= _lastAckProcessed)
        {
            return;
        }
        var lastSent = Volatile.Read(ref _lastSentSeq);
        var upTo = Math.Min(ack, lastSent);
        // Inputs older than the ring were overwritten: their send time is lost (only when acks lag > 12.8 s).
        var from = Math.Max(_lastAckProcessed + 1, upTo - SendTimeRing + 1);
        for (var seq = from; seq <= upTo; seq++)
        {
            _metrics.RecordInputLatency(Volatile.Read(ref _sendTimes[seq & (SendTimeRing - 1)]), now);
        }
        if (upTo > _lastAckProcessed)
        {
            _inputsAcked += upTo - _lastAckProcessed;
            _lastAckProcessed = upTo;
        }
    }

    /// <summary>
    /// A relay from another bot of the room: its latency is now − <c>data.t</c> (the tester runs every bot on one clock);
    /// counted in <see cref="InputsAcked"/>. The bot's own relays never come back; one without a usable <c>t</c> is ignored.
    /// </summary>
    private void OnRelay(in ServerMessage message)
    {
        if (message.FromSelf || !double.IsFinite(message.SentMs) || message.SentMs < 0)
        {
            return;
        }
        var now = _time.GetTimestamp();
        var sent = _metrics.TimestampAtRunClockMs(message.SentMs);
        if (sent > now)
        {
            return; // not a time this tester sent
        }
        _metrics.RecordInputLatency(sent, now);
        _inputsAcked++;
    }

    /// <summary>
    /// A stroke on the board: when it is the bot's own coming back (<c>from</c> = itself) and one it still remembers sending,
    /// records send→echo latency and counts it in <see cref="InputsAcked"/>; <see cref="LastAck"/> is the latest stroke back.
    /// Strokes of others are only received.
    /// </summary>
    private void OnDraw(in ServerMessage message)
    {
        if (!message.FromSelf || message.Seq < 0)
        {
            return;
        }
        var lastSent = Volatile.Read(ref _lastSentSeq);
        var seq = JsonBotCodec.DrawSeqFrom(message.Seq, lastSent);
        if (seq < 1 || seq <= _lastAckProcessed || lastSent - seq >= SendTimeRing)
        {
            return; // a stroke from an earlier seat, seen already, or too old to have its send time
        }
        _metrics.RecordInputLatency(Volatile.Read(ref _sendTimes[seq & (SendTimeRing - 1)]), _time.GetTimestamp());
        _inputsAcked++;
        _lastAckProcessed = seq;
        _lastAck = seq;
    }

    private void OnReceiveEnded(string reason)
    {
        FailHandshakeWaiter();
        if (TryTransition(BotState.Playing, _metrics.IsClosing ? BotState.Closed : BotState.Disconnected))
        {
            if (State == BotState.Disconnected)
            {
                SetFailure(reason);
                _metrics.RecordDisconnect();
                Chaos?.OnDisconnect(Settings.Index);
                _socket?.Abort();
            }
        }
    }
}
