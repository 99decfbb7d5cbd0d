using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace Game.Gateway.Connections.Epoll;

/// <summary>Sending: a frame's header and payload in one <c>sendmsg</c>; what the kernel does not take waits for the writable edge.</summary>
internal sealed partial class EpollWebSocket
{
    /// <summary>
    /// Sends <paramref name="buffer"/> as one frame (unmasked, as a server's are): a text or binary message, or a piece of
    /// one if <paramref name="endOfMessage"/> is false. Completes at once when the kernel takes the whole frame, else
    /// when the loop has written the rest.
    /// </summary>
    /// <returns>A task that fails (the call itself does not throw) with <see cref="WebSocketException"/> when the WebSocket is
    /// closing, closed or aborted or the connection was lost, and with <see cref="InvalidOperationException"/> when another
    /// send is waiting.</returns>
    /// <exception cref="ArgumentException"><paramref name="messageType"/> is <see cref="WebSocketMessageType.Close"/> (use <see cref="CloseOutputAsync"/>).</exception>
    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken = default)
    {
        if (messageType is not (WebSocketMessageType.Text or WebSocketMessageType.Binary))
        {
            throw new ArgumentException("only text and binary messages are sent with SendAsync", nameof(messageType));
        }
        ValueTask pending;
        lock (_sendLock)
        {
            try
            {
                if (_closed || _state is not (WebSocketState.Open or WebSocketState.CloseReceived)) throw InvalidState(_state);
                if (_sendWaiting) throw new InvalidOperationException("a send is already waiting");
                var opcode = _sendContinues ? OpContinuation : messageType == WebSocketMessageType.Text ? OpText : OpBinary;
                _sendContinues = !endOfMessage;
                if (WriteOrQueue(opcode, endOfMessage, buffer.Span)) return ValueTask.CompletedTask;
            }
            catch (Exception ex)
            {
                return ValueTask.FromException(ex); // as .NET's WebSocket: the task fails, the call does not throw
            }
            pending = Wait();
        }
        return cancellationToken.CanBeCanceled ? WithCancellation(pending, cancellationToken) : pending;
    }

    /// <summary>
    /// Sends the close frame with <paramref name="closeStatus"/> and <paramref name="statusDescription"/> (at most 123
    /// bytes of UTF-8) and completes when it is written; the state becomes <see cref="WebSocketState.CloseSent"/>, or
    /// <see cref="WebSocketState.Closed"/> if the peer's close came first.
    /// </summary>
    /// <returns>A task that fails with <see cref="WebSocketException"/> when a close was sent already, the WebSocket is
    /// aborted or the connection was lost, and with <see cref="ArgumentException"/> when the description is over 123 bytes.</returns>
    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        ValueTask pending;
        lock (_sendLock)
        {
            try
            {
                if (_closed || _state is not (WebSocketState.Open or WebSocketState.CloseReceived)) throw InvalidState(_state);
                if (_sendWaiting) throw new InvalidOperationException("a send is already waiting");
                if (!SendClose(closeStatus, statusDescription)) return Task.CompletedTask;
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
            pending = Wait();
        }
        return (cancellationToken.CanBeCanceled ? WithCancellation(pending, cancellationToken) : pending).AsTask();
    }

    /// <summary>Writes a close frame (under <see cref="_sendLock"/>, or taking it); true if it waits to be written.</summary>
    private bool SendClose(WebSocketCloseStatus status, string? description)
    {
        Span<byte> payload = stackalloc byte[125];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        var length = 2;
        if (!string.IsNullOrEmpty(description))
        {
            if (Encoding.UTF8.GetByteCount(description) > 123) throw new ArgumentException("a close description is at most 123 bytes of UTF-8", nameof(description));
            length += Encoding.UTF8.GetBytes(description, payload[2..]);
        }
        lock (_sendLock)
        {
            var queued = !WriteOrQueue(OpClose, true, payload[..length]);
            _state = _state == WebSocketState.CloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent;
            return queued;
        }
    }

    /// <summary>Writes a ping's pong or a keep-alive pong, behind anything waiting; nobody waits for it.</summary>
    private void SendControl(byte opcode, ReadOnlySpan<byte> payload)
    {
        lock (_sendLock)
        {
            if (_closed || _state is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
            WriteOrQueue(opcode, true, payload);
        }
    }

    /// <summary>A pending task for the send waiting for <see cref="_out"/> to be written (under <see cref="_sendLock"/>).</summary>
    private ValueTask Wait()
    {
        _sendWaiting = true;
        _sendSource.Reset();
        return new ValueTask(this, _sendSource.Version);
    }

    /// <summary>
    /// Writes one frame (under <see cref="_sendLock"/>), or queues it, or its rest, behind what waits. True if all of it
    /// was written.
    /// </summary>
    /// <exception cref="WebSocketException">The connection was lost (the WebSocket is aborted).</exception>
    private bool WriteOrQueue(byte opcode, bool final, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[10];
        header = header[..WriteHeader(header, opcode, final, payload.Length)];

        var written = 0;
        if (_out is null)
        {
            while (true)
            {
                var sent = LinuxSockets.Send(_fd, header, payload);
                if (sent >= 0)
                {
                    written = (int)sent;
                    break;
                }
                var error = LinuxSockets.LastError;
                if (error == LinuxSockets.EINTR) continue;
                if (error == LinuxSockets.EAGAIN) break;
                _state = WebSocketState.Aborted;
                throw Lost(error);
            }
            _lastSendMs = Environment.TickCount64;
            if (written == header.Length + payload.Length) return true;
        }
        return QueueRest(header, payload, written);
    }

    /// <summary>A frame's header (unmasked) into <paramref name="header"/> (at least 10 bytes); its length: 2, 4 or 10.</summary>
    private static int WriteHeader(Span<byte> header, byte opcode, bool final, int payloadLength)
    {
        header[0] = (byte)((final ? 0x80 : 0) | opcode);
        if (payloadLength <= 125)
        {
            header[1] = (byte)payloadLength;
            return 2;
        }
        if (payloadLength <= ushort.MaxValue)
        {
            header[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)payloadLength);
            return 4;
        }
        header[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(header[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>
    /// Queues what a write left of a frame (<paramref name="header"/> then <paramref name="payload"/>, of which the first
    /// <paramref name="written"/> bytes went), under <see cref="_sendLock"/>, behind what waits. True if a last write
    /// then took it all.
    /// </summary>
    private bool QueueRest(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, int written)
    {
        var first = _out is null;
        var headerRest = header[Math.Min(written, header.Length)..];
        var payloadRest = payload[Math.Max(0, written - header.Length)..];
        var pending = _out is null ? 0 : _outEnd - _outStart;
        var needed = pending + headerRest.Length + payloadRest.Length;
        if (_out is null || _out.Length - _outEnd < headerRest.Length + payloadRest.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(needed);
            if (_out is not null)
            {
                _out.AsSpan(_outStart, pending).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_out);
            }
            _outStart = 0;
            _outEnd = pending;
            Volatile.Write(ref _out, grown);
        }
        headerRest.CopyTo(_out.AsSpan(_outEnd));
        _outEnd += headerRest.Length;
        payloadRest.CopyTo(_out.AsSpan(_outEnd));
        _outEnd += payloadRest.Length;
        // The writable edge may have come between the short write and the queue's making, and found nothing queued
        // (OnEvents looks without the lock): one more write now, before waiting for the next edge, covers it.
        return first && FlushQueued();
    }

    /// <summary>Bytes of a whole final frame (header and payload) for a payload of <paramref name="payloadLength"/> bytes.</summary>
    internal static int FrameLength(int payloadLength) => payloadLength + (payloadLength <= 125 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10);

    /// <summary>
    /// Writes a whole final frame of <paramref name="payload"/> as a <paramref name="type"/> message (text or binary) into
    /// <paramref name="destination"/>, which is <see cref="FrameLength"/> bytes: what <see cref="SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/>
    /// writes for it, made once for every socket a <see cref="SendBatch"/> sends it to.
    /// </summary>
    internal static void WriteFrame(ReadOnlySpan<byte> payload, WebSocketMessageType type, Span<byte> destination)
    {
        var header = WriteHeader(destination, type == WebSocketMessageType.Text ? OpText : OpBinary, true, payload.Length);
        payload.CopyTo(destination[header..]);
    }

    /// <summary>
    /// Queues a whole frame (<see cref="WriteFrame"/>) into <paramref name="ring"/> under <paramref name="tag"/> if the send
    /// side is idle (open, nothing waiting, no message half sent); the send lock then stays held until
    /// <see cref="OnQueuedSend"/>. False, with nothing queued: send it with <see cref="SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/>.
    /// </summary>
    internal unsafe bool TryQueueSend(IoUring ring, byte* frame, int length, int tag)
    {
        if (!_sendLock.TryEnter()) return false;
        if (_closed || _state is not (WebSocketState.Open or WebSocketState.CloseReceived) || _sendWaiting || _sendContinues || _out is not null)
        {
            _sendLock.Exit();
            return false;
        }
        try
        {
            ring.QueueSend(_fd, frame, length, tag);
        }
        catch
        {
            _sendLock.Exit(); // not queued: the send side is free again
            throw;
        }
        return true;
    }

    /// <summary>
    /// The result of the send <see cref="TryQueueSend"/> queued (bytes written, or <c>-errno</c>), with the frame it sent:
    /// the send completes as <see cref="SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/>'s
    /// would have (what the kernel did not take waits for the writable edge), and the send lock is released.
    /// </summary>
    internal ValueTask OnQueuedSend(int result, ReadOnlySpan<byte> frame)
    {
        try
        {
            // Under the send lock since TryQueueSend: the socket is still open (closing takes that lock).
            if (result < 0 && -result is not (LinuxSockets.EAGAIN or LinuxSockets.EINTR))
            {
                _state = WebSocketState.Aborted;
                return ValueTask.FromException(Lost(-result));
            }
            _lastSendMs = Environment.TickCount64;
            var written = Math.Max(result, 0);
            if (written == frame.Length) return ValueTask.CompletedTask;
            return QueueRest([], frame, written) ? ValueTask.CompletedTask : Wait();
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
        finally
        {
            _sendLock.Exit();
        }
    }

    /// <summary>
    /// Writes what waits in <see cref="_out"/> (under <see cref="_sendLock"/>) until the kernel takes no more. True: all
    /// of it was written, and the buffer returned.
    /// </summary>
    /// <exception cref="WebSocketException">The connection was lost (the WebSocket is aborted, the buffer returned).</exception>
    private bool FlushQueued()
    {
        while (_outStart < _outEnd)
        {
            var sent = LinuxSockets.Send(_fd, _out.AsSpan(_outStart, _outEnd - _outStart), []);
            if (sent >= 0)
            {
                _outStart += (int)sent;
                _lastSendMs = Environment.TickCount64;
                continue;
            }
            var error = LinuxSockets.LastError;
            if (error == LinuxSockets.EINTR) continue;
            if (error == LinuxSockets.EAGAIN) return false; // the next writable edge goes on
            _state = WebSocketState.Aborted;
            ReturnQueue();
            throw Lost(error);
        }
        ReturnQueue();
        return true;
    }

    private void ReturnQueue()
    {
        ArrayPool<byte>.Shared.Return(_out!);
        Volatile.Write(ref _out, null);
        _outStart = _outEnd = 0;
    }

    /// <summary>A writable edge: writes what waits, and completes the waiting send once it is all written.</summary>
    private void OnWritable()
    {
        Exception? failed = null;
        lock (_sendLock)
        {
            if (_closed || _out is null) return;
            try
            {
                if (!FlushQueued()) return;
            }
            catch (WebSocketException ex)
            {
                failed = ex;
            }
            if (!_sendWaiting) return;
            _sendWaiting = false;
        }
        if (failed is null) _sendSource.SetResult(true); // the send loop goes on here, on the loop's thread
        else _sendSource.SetException(failed);
    }
}
