using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace Game.Gateway.Connections.Epoll;

/// <summary>Receiving: reading ahead, frame headers, control frames, the payload unmasked into the caller's buffer.</summary>
internal sealed partial class EpollWebSocket
{
    /// <summary>
    /// The next piece of a message: as much of the current data frame as is here and fits <paramref name="buffer"/>
    /// (<see cref="ValueWebSocketReceiveResult.EndOfMessage"/> on the last piece of the last frame), or the peer's close.
    /// Completes at once when bytes are here; else on the loop's thread at the next readable edge.
    /// </summary>
    /// <returns>The result; the task fails (the call itself does not throw) with <see cref="WebSocketException"/> when the
    /// connection was lost, the peer broke the protocol (answered with close 1002 or 1007) or the WebSocket is closed, and
    /// with <see cref="InvalidOperationException"/> when another receive is waiting.</returns>
    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ValueTask<ValueWebSocketReceiveResult> pending;
        lock (_receiveLock)
        {
            try
            {
                if (_closed || _state is WebSocketState.Closed or WebSocketState.Aborted or WebSocketState.CloseReceived) throw InvalidState(_state);
                if (_receivePending) throw new InvalidOperationException("a receive is already waiting");
                if (TryReceive(buffer.Span, out var result)) return new ValueTask<ValueWebSocketReceiveResult>(result);
            }
            catch (Exception ex)
            {
                return ValueTask.FromException<ValueWebSocketReceiveResult>(ex); // as .NET's WebSocket: the task fails, the call does not throw
            }
            _receivePending = true;
            _receiveBuffer = buffer;
            _receiveSource.Reset();
            pending = new ValueTask<ValueWebSocketReceiveResult>(this, _receiveSource.Version);
        }
        return cancellationToken.CanBeCanceled ? WithCancellation(pending, cancellationToken) : pending;
    }

    /// <summary>A readable edge (or a hang-up, <paramref name="hangUp"/>): completes the waiting receive if the bytes now here make a result.</summary>
    private void OnReadable(bool hangUp)
    {
        _receiveLock.Enter();
        if (!_closed)
        {
            _readable = true;
            _hungUp |= hangUp;
        }
        ReadHeld();
    }

    /// <summary>
    /// <see cref="IEpollBatchReader.TryQueueRead"/>: while a receive waits, the edge's first <c>recv</c> goes into
    /// <paramref name="ring"/>, into the read-ahead buffer's free end, and the receive lock stays held (the descriptor and
    /// the buffer are in use) until <see cref="OnEventsRead"/>. Not while another thread holds the lock: then
    /// <see cref="OnEvents"/> reads as usual.
    /// </summary>
    public unsafe bool TryQueueRead(uint events, IoUring ring, int tag)
    {
        if (!_receiveLock.TryEnter()) return false;
        var queued = false;
        try
        {
            if (_closed || !_receivePending) return false;
            _readable = true;
            _hungUp |= (events & HangUpEvents) != 0;
            Compact();
            var room = _in.Length - _inEnd;
            if (room == 0) return false;
            ring.QueueReceive(_fd, InAt(_inEnd), room, tag);
            queued = true;
            return true;
        }
        finally
        {
            if (!queued) _receiveLock.Exit();
        }
    }

    /// <summary>
    /// <see cref="IEpollBatchReader.OnEventsRead"/>: the result of the <c>recv</c> queued by <see cref="TryQueueRead"/>
    /// (bytes, 0 at the peer's end of stream, or <c>-errno</c>), taken as <see cref="Fill"/> would have taken it; then the
    /// edge is served as <see cref="OnEvents"/> serves it.
    /// </summary>
    public void OnEventsRead(uint events, int result)
    {
        // Still under the receive lock that TryQueueRead took; ReadHeld releases it.
        if (!_closed) TakeRead(result, _in.Length - _inEnd);
        ReadHeld();
        if ((events & WriteEvents) != 0 && Volatile.Read(ref _out) is not null) OnWritable();
    }

    /// <summary>Serves a readable edge, once it is marked, with <see cref="_receiveLock"/> held (taken by the caller), and releases it.</summary>
    private void ReadHeld()
    {
        ValueWebSocketReceiveResult result = default;
        Exception? failed = null;
        try
        {
            if (_closed || !_receivePending) return;
            try
            {
                while (true)
                {
                    var messageStart = _message is null;
                    if (messageStart && !_inFrame && MessageSink is { } first && TryOfferInPlace(first, out var handled, out result))
                    {
                        if (!handled) break;
                        if (_closed || !_receivePending) return;
                        continue;
                    }
                    if (NothingToRead || !TryReceive(_receiveBuffer.Span, out result)) return;
                    if (!messageStart || !result.EndOfMessage || result.MessageType == WebSocketMessageType.Close
                        || result.Count >= _receiveBuffer.Length || MessageSink is not { } sink
                        || !sink.TryHandleNow(_receiveBuffer.Span[..result.Count], result.MessageType))
                    {
                        break;
                    }
                    // Handled here: the receive loop waits on for the next message.
                    if (_closed || !_receivePending) return;
                }
            }
            catch (Exception ex)
            {
                failed = ex;
            }
            _receivePending = false;
            _receiveBuffer = default;
        }
        finally
        {
            _receiveLock.Exit();
        }
        // The receive loop goes on here, on the loop's thread, with no lock held.
        if (failed is null) _receiveSource.SetResult(result);
        else _receiveSource.SetException(failed);
    }

    /// <summary>
    /// Whether <see cref="TryReceive"/> would find nothing now, known from the read-ahead state alone: no frame under way,
    /// less than a header here, the socket drained since its last edge and no error waiting. Checked first, because
    /// <see cref="TryReceive"/> otherwise takes the receive's buffer (<see cref="_receiveBuffer"/>) once more after every
    /// message taken in place, only to find nothing (docs/performance.md, issue 11, "Seventeenth pass").
    /// </summary>
    private bool NothingToRead => !_inFrame && _inEnd - _inStart < 2 && !_readable && _readError == 0;

    /// <summary>
    /// The fast way for a small whole message (one final text or binary frame of at most 125 bytes, all read ahead, and
    /// shorter than the waiting receive's buffer): its payload is unmasked where it lies in the read-ahead buffer and
    /// offered to <paramref name="sink"/> from there, so the receive's buffer is not touched for a message the sink takes
    /// (docs/performance.md, issue 11, "Sixteenth pass"); one it does not take is copied there as
    /// <see cref="TryReceive"/> would have put it. False, with nothing consumed: not such a message, or not all here
    /// (the general way reads it, and checks every rule).
    /// </summary>
    /// <param name="sink">The connection's message sink.</param>
    /// <param name="handled">True: the sink took the message. False: it is in the receive's buffer as <paramref name="result"/>.</param>
    /// <param name="result">When not <paramref name="handled"/>: the message's result for the waiting receive.</param>
    /// <exception cref="WebSocketException">A text message that is not valid UTF-8 (closed with 1007, as the general way does).</exception>
    private bool TryOfferInPlace(IMessageSink sink, out bool handled, out ValueWebSocketReceiveResult result)
    {
        handled = false;
        result = default;
        var available = _inEnd - _inStart;
        if (available < 6) return false;
        var frame = _in.AsSpan(_inStart, available);
        // FIN, no reserved bits, text or binary; masked; a 7-bit length: the only frames taken here.
        if (frame[0] is not (0x80 | OpText) and not (0x80 | OpBinary) || (frame[1] & 0x80) == 0) return false;
        var length = frame[1] & 0x7F;
        if (length > 125 || available < 6 + length || length >= _receiveBuffer.Length) return false;
        var type = frame[0] == (0x80 | OpText) ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        _mask = BinaryPrimitives.ReadUInt32LittleEndian(frame[2..]);
        _maskOffset = 0;
        var payload = frame.Slice(6, length);
        Unmask(payload, payload);
        _inStart += 6 + length;
        if (type == WebSocketMessageType.Text && !System.Text.Unicode.Utf8.IsValid(payload))
        {
            throw Fail(WebSocketCloseStatus.InvalidPayloadData, "the text message is not valid UTF-8");
        }
        handled = sink.TryHandleNow(payload, type);
        if (!handled)
        {
            payload.CopyTo(_receiveBuffer.Span);
            result = new ValueWebSocketReceiveResult(length, type, true);
        }
        return true;
    }

    /// <summary>Makes a result from the bytes here, reading more while the socket has them. False: wait for the next readable edge.</summary>
    private bool TryReceive(Span<byte> destination, out ValueWebSocketReceiveResult result)
    {
        while (true)
        {
            if (_inFrame)
            {
                var available = _inEnd - _inStart;
                if (available > 0 || _frameRemaining == 0 || destination.IsEmpty)
                {
                    var count = (int)Math.Min(Math.Min(available, _frameRemaining), destination.Length);
                    Unmask(_in.AsSpan(_inStart, count), destination[..count]);
                    _inStart += count;
                    _frameRemaining -= count;
                    var endOfFrame = _frameRemaining == 0;
                    if (endOfFrame) _inFrame = false;
                    var endOfMessage = endOfFrame && _frameFinal;
                    var type = _message!.Value;
                    if (type == WebSocketMessageType.Text && !_utf8.Validate(destination[..count], endOfMessage))
                    {
                        throw Fail(WebSocketCloseStatus.InvalidPayloadData, "the text message is not valid UTF-8");
                    }
                    if (endOfMessage) _message = null;
                    result = new ValueWebSocketReceiveResult(count, type, endOfMessage);
                    return true;
                }
            }
            else
            {
                switch (TryReadHeader(out result))
                {
                    case HeaderRead.Close: return true;
                    case HeaderRead.Consumed: continue; // a data frame's header, or a ping or pong: go on with what follows
                }
            }

            if (!Fill())
            {
                result = default;
                return false;
            }
        }
    }

    /// <summary>What <see cref="TryReadHeader"/> did.</summary>
    private enum HeaderRead
    {
        /// <summary>The header (or a control frame's payload) is not all here yet.</summary>
        Incomplete,
        /// <summary>A data frame's header, or a whole ping or pong, was read.</summary>
        Consumed,
        /// <summary>A whole close frame was read.</summary>
        Close,
    }

    /// <summary>
    /// Bytes the frame at <see cref="_inStart"/> needs here before <see cref="TryReadHeader"/> reads it: its header, and a
    /// control frame's payload too. A frame that breaks the rules in its first two bytes needs only those, to be refused.
    /// </summary>
    private int BytesToRead()
    {
        int first = _in[_inStart], second = _in[_inStart + 1];
        var length7 = second & 0x7F;
        var control = (first & 0x08) != 0;
        if ((first & 0x70) != 0 || (second & 0x80) == 0 || control && length7 > 125) return 2;
        var header = 6 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0);
        return control ? header + length7 : header;
    }

    /// <summary>
    /// Reads the frame at <see cref="_inStart"/> if its header is whole: a data frame's starts its payload
    /// (<see cref="_inFrame"/>); a ping is answered and a pong dropped; a close ends in <paramref name="result"/>.
    /// </summary>
    private HeaderRead TryReadHeader(out ValueWebSocketReceiveResult result)
    {
        result = default;
        var available = _inEnd - _inStart;
        if (available < 2 || available < BytesToRead()) return HeaderRead.Incomplete;
        var header = _in.AsSpan(_inStart, available);
        var final = (header[0] & 0x80) != 0;
        var opcode = (byte)(header[0] & 0x0F);
        if ((header[0] & 0x70) != 0) throw Fail(WebSocketCloseStatus.ProtocolError, "reserved bits are set (no extension was negotiated)");
        if ((header[1] & 0x80) == 0) throw Fail(WebSocketCloseStatus.ProtocolError, "a client's frame must be masked");
        var length7 = header[1] & 0x7F;
        long length = length7;
        var offset = 2;
        if (length7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
            offset = 4;
        }
        else if (length7 == 127)
        {
            var length64 = BinaryPrimitives.ReadUInt64BigEndian(header[2..]);
            if (length64 > long.MaxValue) throw Fail(WebSocketCloseStatus.ProtocolError, "the frame's length has its highest bit set");
            length = (long)length64;
            offset = 10;
        }

        if (opcode >= OpClose)
        {
            if (!final || length > 125) throw Fail(WebSocketCloseStatus.ProtocolError, "a control frame must be final and at most 125 bytes");
            _mask = BinaryPrimitives.ReadUInt32LittleEndian(header[offset..]);
            _maskOffset = 0;
            offset += 4;
            Span<byte> payload = stackalloc byte[125];
            payload = payload[..(int)length];
            Unmask(header.Slice(offset, (int)length), payload);
            _inStart += offset + (int)length;
            switch (opcode)
            {
                case OpPing:
                    SendControl(OpPong, payload);
                    return HeaderRead.Consumed;
                case OpPong:
                    return HeaderRead.Consumed;
                case OpClose:
                    ReadClose(payload);
                    result = new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true);
                    return HeaderRead.Close;
                default:
                    throw Fail(WebSocketCloseStatus.ProtocolError, $"unknown control opcode {opcode}");
            }
        }

        switch (opcode)
        {
            case OpContinuation when _message is null:
                throw Fail(WebSocketCloseStatus.ProtocolError, "a continuation frame without a message to continue");
            case OpText or OpBinary when _message is not null:
                throw Fail(WebSocketCloseStatus.ProtocolError, "a new message before the last one ended");
            case OpText:
                _message = WebSocketMessageType.Text;
                _utf8 = default;
                break;
            case OpBinary:
                _message = WebSocketMessageType.Binary;
                break;
            case OpContinuation:
                break;
            default:
                throw Fail(WebSocketCloseStatus.ProtocolError, $"unknown data opcode {opcode}");
        }
        _mask = BinaryPrimitives.ReadUInt32LittleEndian(header[offset..]);
        _maskOffset = 0;
        _inStart += offset + 4;
        _inFrame = true;
        _frameFinal = final;
        _frameRemaining = length;
        return HeaderRead.Consumed;
    }

    /// <summary>The peer's close frame: its status and reason, checked (RFC 6455, 7.4); the state moves on.</summary>
    private void ReadClose(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 1) throw Fail(WebSocketCloseStatus.ProtocolError, "a close frame's payload must be empty or hold a status");
        if (payload.Length >= 2)
        {
            var status = BinaryPrimitives.ReadUInt16BigEndian(payload);
            if (status is < 1000 or 1004 or 1005 or 1006 or (> 1011 and < 3000) or > 4999)
            {
                throw Fail(WebSocketCloseStatus.ProtocolError, $"close status {status} may not be sent");
            }
            var reason = payload[2..];
            if (!System.Text.Unicode.Utf8.IsValid(reason)) throw Fail(WebSocketCloseStatus.InvalidPayloadData, "the close reason is not valid UTF-8");
            _closeStatus = (WebSocketCloseStatus)status;
            _closeDescription = Encoding.UTF8.GetString(reason);
        }
        else
        {
            _closeStatus = WebSocketCloseStatus.Empty;
            _closeDescription = string.Empty;
        }
        lock (_sendLock)
        {
            _state = _state == WebSocketState.CloseSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
        }
    }

    /// <summary>Reads what the socket has into the read-ahead buffer. False: nothing now (wait for a readable edge).</summary>
    /// <exception cref="WebSocketException">The peer ended the stream without a close frame, or the connection failed.</exception>
    private unsafe bool Fill()
    {
        while (true)
        {
            if (_readError != 0)
            {
                // The end of stream or error a read found (here, or in a batch: OnEventsRead), once the bytes before it are used.
                var error = _readError;
                _readError = 0;
                throw error == EndOfStream ? EndedWithoutClose() : Lost(error);
            }
            if (!_readable) return false;
            Compact();
            var room = _in.Length - _inEnd;
            System.Diagnostics.Debug.Assert(room > 0, "a header or control frame is at most 139 bytes, and a data frame's payload is handed on as it comes");
            var read = LinuxSockets.Receive(_fd, InAt(_inEnd), room);
            if (read > 0)
            {
                TakeRead((int)read, room);
                return true;
            }
            TakeRead(read == 0 ? 0 : -LinuxSockets.LastError, room); // then, as it says: throw, wait for an edge, or read again
        }
    }

    /// <summary>
    /// Takes a <c>recv</c>'s <paramref name="result"/> into <paramref name="room"/> bytes at the read-ahead buffer's end:
    /// bytes (a short read drained the socket), 0 at the peer's end of stream, or <c>-errno</c>. The end of stream and
    /// errors wait in <see cref="_readError"/> for <see cref="Fill"/>; <c>EAGAIN</c> waits for the next edge; <c>EINTR</c>
    /// leaves the socket to be read again.
    /// </summary>
    private void TakeRead(int result, int room)
    {
        if (result > 0)
        {
            _inEnd += result;
            // A short read drained the socket: the next bytes come with a new edge (epoll(7), edge-triggered). Not
            // after a hang-up, whose edge may have come with these bytes: the end of stream is read, as 0, next.
            if (result < room && !_hungUp) _readable = false;
        }
        else if (result == 0)
        {
            _readError = EndOfStream;
        }
        else if (-result == LinuxSockets.EAGAIN)
        {
            _readable = false;
        }
        else if (-result != LinuxSockets.EINTR)
        {
            _readError = -result;
        }
    }

    /// <summary>Moves the unread bytes to the read-ahead buffer's start.</summary>
    private void Compact()
    {
        if (_inStart == 0) return;
        _in.AsSpan(_inStart, _inEnd - _inStart).CopyTo(_in);
        _inEnd -= _inStart;
        _inStart = 0;
    }

    /// <summary>The address of the read-ahead buffer's byte <paramref name="index"/> (the buffer is pinned: allocated on the pinned object heap).</summary>
    private unsafe byte* InAt(int index) =>
        (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_in)) + index;

    private static WebSocketException EndedWithoutClose() =>
        new(WebSocketError.ConnectionClosedPrematurely, "the peer ended the connection without a close frame");

    /// <summary>XORs <paramref name="source"/> with the frame's mask into <paramref name="destination"/> (they may be the same bytes).</summary>
    private void Unmask(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var mask = _mask;
        var offset = _maskOffset;
        var i = 0;
        if (source.Length >= 8)
        {
            // Eight bytes at a time with the mask turned to start at this offset.
            var rotated = System.Numerics.BitOperations.RotateRight(mask, offset * 8);
            var wide = ((ulong)rotated << 32) | rotated;
            for (; i + 8 <= source.Length; i += 8)
            {
                var value = BinaryPrimitives.ReadUInt64LittleEndian(source[i..]) ^ wide;
                BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], value);
            }
        }
        for (; i < source.Length; i++)
        {
            destination[i] = (byte)(source[i] ^ (byte)(mask >> (((offset + i) & 3) * 8)));
        }
        _maskOffset = (offset + source.Length) & 3;
    }

    /// <summary>
    /// The peer broke the protocol: a close frame with <paramref name="status"/> is sent (if none was), the WebSocket
    /// is aborted, and the exception to throw returned.
    /// </summary>
    private WebSocketException Fail(WebSocketCloseStatus status, string reason)
    {
        try
        {
            if (_state is WebSocketState.Open or WebSocketState.CloseReceived) SendClose(status, reason);
        }
        catch (WebSocketException)
        {
            // lost as well
        }
        _state = WebSocketState.Aborted;
        return new WebSocketException(WebSocketError.Faulted, $"the client broke the WebSocket protocol: {reason}");
    }
}
