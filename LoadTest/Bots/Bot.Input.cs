using System.Buffers;
using System.Net.WebSockets;

namespace Game.LoadTest;

public sealed partial class Bot
{
    // Written only by the sending loop.
    private byte[]? _sendBuffer;
    private Task? _pendingSend;
    private long _seq;
    private long _lastSentSeq;
    private long _inputsSent;
    private long _inputsInWindow;
    private long _inputsSkipped;
    private float _vx;
    private float _vy;
    private uint _rng;

    /// <summary>
    /// Sends the bot's next <c>input</c> if it is playing and its previous send has completed: <c>seq</c> one higher than
    /// the last, a new random direction every <see cref="BotSettings.InputRateHz"/> inputs (every second), and
    /// <c>"attack":true</c> every twice that many (every 2 s). Remembers the send time for input→ack latency.
    /// </summary>
    /// <param name="clientTimeMs">The client clock for the <c>time</c> field, ms since the Unix epoch.</param>
    /// <returns>True when an input was sent; false when the bot is not playing or its previous send is still in flight (counted in <see cref="InputsSkipped"/>).</returns>
    /// <remarks>Not thread-safe: call from one loop at a time (the run's shared input loop). Does not allocate in the common case.</remarks>
    public bool TrySendNextInput(long clientTimeMs)
    {
        if (Volatile.Read(ref _state) != (int)BotState.Playing || _socket is not { } socket)
        {
            return false;
        }
        if (_pendingSend is { } pending)
        {
            if (!pending.IsCompleted)
            {
                _inputsSkipped++;
                return false;
            }
            _pendingSend = null;
            if (!pending.IsCompletedSuccessfully)
            {
                _ = pending.Exception; // observed; the receive loop reports the lost connection
                return false;
            }
        }

        _sendBuffer ??= ArrayPool<byte>.Shared.Rent(_codec.MaxInputSize);
        var seq = _seq + 1;
        var rate = Math.Max(1, Settings.InputRateHz);
        if ((seq - 1) % rate == 0)
        {
            NextDirection();
        }
        var attack = (seq - 1) % (2L * rate) == 0;
        var length = _codec.EncodeInput(new BotInput(seq, clientTimeMs, _vx, _vy, attack), _sendBuffer);

        Volatile.Write(ref _sendTimes[seq & (SendTimeRing - 1)], _time.GetTimestamp());
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
            send = socket.SendAsync(_sendBuffer.AsMemory(0, length), _codec.InputMessageType, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
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
            _pendingSend = send.AsTask();
        }
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
