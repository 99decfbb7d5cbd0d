using System.Buffers;
using System.Net.WebSockets;

namespace Game.LoadTest;

public sealed partial class Bot
{
    /// <summary>
    /// Sends a bot may have in flight at once. A send still pending when the next input is due does not make the bot
    /// skip that input (a real client's socket buffers it too); the WebSocket sends them in order. Only when this many
    /// are pending, ≥ 200 ms of inputs at 20 Hz, is an input skipped.
    /// </summary>
    private const int MaxSendsInFlight = 4;

    // Written only by the sending loop. The buffer holds MaxSendsInFlight slots of MaxInputSize bytes.
    private byte[]? _sendBuffer;
    private readonly Task?[] _sendsInFlight = new Task?[MaxSendsInFlight];
    private int _sendSlot;
    private Task? _pendingSend; // the latest send still pending (sends complete in order), for CloseAsync
    private long _seq;
    private long _lastSentSeq;
    private long _inputsSent;
    private long _inputsInWindow;
    private long _inputsSkipped;
    private float _vx;
    private float _vy;
    private uint _rng;

    /// <summary>
    /// Sends the bot's next message if it is playing and has fewer than <see cref="MaxSendsInFlight"/> sends pending, by
    /// <see cref="BotSettings.Kind"/>. Arena and pong: an <c>input</c> with <c>seq</c> one higher than the last, a new random
    /// direction every <see cref="BotSettings.InputRateHz"/> inputs (every second), and <c>"attack":true</c> every twice that many
    /// (every 2 s). Relay: <c>{"type":"relay","data":{"seq":n,"t":sentMs}}</c> to every other player (t on the run's clock).
    /// Board: a small <c>draw</c> (2–4 points) whose first point carries n. Remembers the send time for the latency.
    /// </summary>
    /// <param name="clientTimeMs">The client clock for the <c>time</c> field, ms since the Unix epoch.</param>
    /// <returns>True when an input was sent; false when the bot is not playing or has <see cref="MaxSendsInFlight"/> sends in flight (counted in <see cref="InputsSkipped"/>).</returns>
    /// <remarks>Not thread-safe: call from one loop at a time (the run's shared input loop). Does not allocate in the common case.</remarks>
    public bool TrySendNextInput(long clientTimeMs)
    {
        if (Volatile.Read(ref _state) != (int)BotState.Playing || _socket is not { } socket)
        {
            return false;
        }
        var slot = _sendSlot;
        if (_sendsInFlight[slot] is { } pending)
        {
            if (!pending.IsCompleted)
            {
                _inputsSkipped++;
                return false;
            }
            _sendsInFlight[slot] = null;
            if (!pending.IsCompletedSuccessfully)
            {
                _ = pending.Exception; // observed; the receive loop reports the lost connection
                return false;
            }
        }

        var size = Math.Max(_codec.MaxInputSize, JsonBotCodec.MaxKindMessageSize);
        _sendBuffer ??= ArrayPool<byte>.Shared.Rent(size * MaxSendsInFlight);
        var buffer = _sendBuffer.AsMemory(slot * size, size);
        var seq = _seq + 1;
        var now = _time.GetTimestamp();
        int length;
        var frameType = WebSocketMessageType.Text;
        switch (Settings.Kind)
        {
            case RoomKind.Relay:
                length = JsonBotCodec.EncodeRelay(seq, _metrics.RunClockMs(now), buffer.Span);
                break;
            case RoomKind.Board:
                length = JsonBotCodec.EncodeDraw(seq, buffer.Span);
                break;
            default:
                var rate = Math.Max(1, Settings.InputRateHz);
                if ((seq - 1) % rate == 0)
                {
                    NextDirection();
                }
                var attack = (seq - 1) % (2L * rate) == 0;
                length = _codec.EncodeInput(new BotInput(seq, clientTimeMs, _vx, _vy, attack), buffer.Span);
                frameType = _codec.InputMessageType;
                break;
        }

        Volatile.Write(ref _sendTimes[seq & (SendTimeRing - 1)], now);
        Volatile.Write(ref _lastSentSeq, seq);
        _seq = seq;
        _inputsSent++;
        if (_metrics.IsMeasuring)
        {
            _inputsInWindow++;
        }

        ValueTask send;
        try
        {
            send = socket.SendAsync(buffer[..length], frameType, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            return false;
        }
        if (send.IsCompleted)
        {
            try
            {
                send.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException or OperationCanceledException)
            {
                return false;
            }
        }
        else
        {
            _sendsInFlight[slot] = _pendingSend = send.AsTask();
        }
        _sendSlot = (slot + 1) % MaxSendsInFlight;
        return true;
    }

    /// <summary>A new direction: one of 16 compass points, from a per-bot xorshift sequence (deterministic per bot index).</summary>
    private void NextDirection()
    {
        var x = _rng;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _rng = x;
        var angle = (x % 16) * (Math.PI / 8);
        _vx = (float)Math.Round(Math.Cos(angle), 3);
        _vy = (float)Math.Round(Math.Sin(angle), 3);
    }
}
