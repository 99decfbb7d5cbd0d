using System.Net.WebSockets;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Gateway.Connections;

/// <summary>The receive loop: frames in, size limit, parsing, dispatch.</summary>
internal sealed partial class PlayerConnection
{
    private const string BinaryNotNegotiatedMessage =
        "binary frames need \"encoding\":\"binary\" in hello; this connection speaks JSON text frames";

    /// <summary>Bytes of the receive buffer each connection keeps: most client messages fit (an <c>input</c> is about 100).</summary>
    internal const int ResidentReceiveBytes = 512;

    /// <summary>Reads messages until the client closes (returns) or the connection is lost (throws).</summary>
    /// <remarks>
    /// A message longer than <see cref="ResidentReceiveBytes"/> is read on into a buffer of <see cref="GatewayOptions.MaxFrameBytes"/>
    /// + 1 bytes rented from the shared pool for that message only, so an idle connection holds 512 bytes rather than
    /// the whole limit (docs/performance.md, "Memory per player").
    /// </remarks>
    private async Task ReceiveLoopAsync()
    {
        // One byte more than the limit: a message that fills it is over the limit.
        var limit = _options.MaxFrameBytes + 1;
        var resident = new byte[Math.Min(ResidentReceiveBytes, limit)];
        while (true)
        {
            var buffer = resident;
            byte[]? rented = null;
            try
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        // The resident buffer is full: the message goes on in one rented for it. That one holds the
                        // whole limit, which ends the loop, so this happens at most once per message.
                        rented = System.Buffers.ArrayPool<byte>.Shared.Rent(limit);
                        buffer.AsSpan(0, count).CopyTo(rented);
                        buffer = rented;
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count, Math.Min(buffer.Length, limit) - count), CancellationToken.None).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    count += result.Count;
                }
                while (!result.EndOfMessage && count < limit);
                Diagnostics.GatewayMetrics.RecordReceived(count);

                if (count > _options.MaxFrameBytes)
                {
                    await RejectTooLargeAsync(buffer).ConfigureAwait(false);
                    return;
                }
                await HandleAsync(buffer, count, result.MessageType).ConfigureAwait(false);
            }
            finally
            {
                if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// An <c>input</c> of a seated player, read on an epoll loop's thread while the receive loop waits
    /// (<see cref="Epoll.IMessageSink"/>): rate-limited and handed to the loop's <see cref="InputCoalescer"/> here, with no
    /// resumption of the receive loop. Anything else (another message, an input not written plainly, a bad one, no seat,
    /// closing) goes to the receive loop.
    /// </summary>
    bool Epoll.IMessageSink.TryHandleNow(ReadOnlySpan<byte> message, WebSocketMessageType type)
    {
        if (_closing || InputCoalescer.Current is not { } coalescer || SeatOnLoop is not { } seat) return false;
        PlayerInput input;
        if (type == WebSocketMessageType.Text)
        {
            // Only plainly written inputs (as every known client writes them): anything else, valid or not, is parsed once,
            // by the receive loop, and answered there.
            if (!ClientMessageParser.TryReadPlainInput(message, out input)) return false;
        }
        else if (_encoding != WireEncoding.Binary || !BinaryMessageReader.TryReadInput(message, out input, out _))
        {
            return false;
        }
        Diagnostics.GatewayMetrics.RecordReceived(message.Length);
        Diagnostics.GatewayMetrics.RecordMessage(ClientMessageType.Input);
        if (AcceptInput()) coalescer.Add(seat, _playerId!, input);
        return true;
    }

    /// <summary>One whole message of <paramref name="count"/> bytes in <paramref name="buffer"/>: parsed and dispatched, or answered with <c>error</c>.</summary>
    private async Task HandleAsync(byte[] buffer, int count, WebSocketMessageType type)
    {
        if (_closing) return; // closing: read on until the client's close frame, handle nothing

        if (type != WebSocketMessageType.Text)
        {
            if (TryReadBinaryInput(buffer.AsSpan(0, count), out var input))
            {
                Diagnostics.GatewayMetrics.RecordMessage(ClientMessageType.Input);
                await DispatchAsync(ClientMessage.ForInput(input)).ConfigureAwait(false);
            }
            return;
        }
        if (!ClientMessageParser.TryParse(buffer.AsSpan(0, count), out var message, out var error))
        {
            Log.BadMessage(_logger, ConnectionId, error.Code, error.Message);
            SendError(error.Code, error.Message);
            return;
        }
        Diagnostics.GatewayMetrics.RecordMessage(message.Type);
        // A kind message goes to the room as its JSON text: the room's kind reads the fields it needs.
        var json = message.Type is ClientMessageType.Relay or ClientMessageType.Draw or ClientMessageType.Clear
            ? System.Text.Encoding.UTF8.GetString(buffer, 0, count)
            : null;
        await DispatchAsync(message, json).ConfigureAwait(false);
    }

    /// <summary>
    /// A binary frame: an <c>input</c> of the binary encoding, if the connection negotiated it in <c>hello</c>
    /// (docs/protocol-binary.md). Anything else is answered with <c>error bad_request</c>; the connection stays open.
    /// </summary>
    private bool TryReadBinaryInput(ReadOnlySpan<byte> frame, out PlayerInput input)
    {
        input = default;
        if (_encoding != WireEncoding.Binary)
        {
            Log.BadMessage(_logger, ConnectionId, ErrorCode.BadRequest, "binary frame on a JSON connection");
            SendError(ErrorCode.BadRequest, BinaryNotNegotiatedMessage);
            return false;
        }
        if (!BinaryMessageReader.TryReadInput(frame, out input, out var error))
        {
            Log.BadMessage(_logger, ConnectionId, error.Code, error.Message);
            SendError(error.Code, error.Message);
            return false;
        }
        return true;
    }

    /// <summary>
    /// A frame over <see cref="GatewayOptions.MaxFrameBytes"/>: <c>error too_large</c>, then close with 1009
    /// (protocol.md). Reads on (discarding) until the client answers the close, or the abort timer ends it.
    /// </summary>
    private async Task RejectTooLargeAsync(byte[] buffer)
    {
        Log.TooLarge(_logger, ConnectionId, _options.MaxFrameBytes);
        SendError(ErrorCode.TooLarge, $"a message may be at most {_options.MaxFrameBytes} bytes");
        Close(WebSocketCloseStatus.MessageTooBig, "message too large", drain: true);
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return;
        }
    }
}
