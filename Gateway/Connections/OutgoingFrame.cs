using System.Net.WebSockets;

namespace Game.Gateway.Connections;

/// <summary>One message to send: its encoded bytes (shared between connections, never modified) and frame type.</summary>
/// <param name="Payload">The whole message.</param>
/// <param name="MessageType">Text for JSON; binary for a binary encoding.</param>
internal readonly record struct OutgoingFrame(ReadOnlyMemory<byte> Payload, WebSocketMessageType MessageType);

/// <summary>How a connection is to be closed.</summary>
/// <param name="Status">The close status sent to the client.</param>
/// <param name="Description">The close reason sent to the client (short; ASCII).</param>
/// <param name="Drain">Whether queued reliable messages are sent first (false when the client is too slow to take them).</param>
internal sealed record CloseRequest(WebSocketCloseStatus Status, string Description, bool Drain);

/// <summary>
/// What the send loop does next: await <see cref="InFlight"/> when set, else close when <see cref="Close"/> is set,
/// else send <see cref="Frame"/>.
/// </summary>
/// <param name="Frame">The frame to send.</param>
/// <param name="Close">The close to perform instead, or null.</param>
/// <param name="InFlight">A send a room feed began directly that has not completed (or failed), or null.</param>
internal readonly record struct OutgoingItem(OutgoingFrame Frame, CloseRequest? Close, Task? InFlight = null);

/// <summary>What became of a frame offered to an <see cref="OutgoingQueue"/>.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued.</summary>
    Queued,
    /// <summary>The queue is full: the client is too far behind.</summary>
    Overflow,
    /// <summary>The connection is closing; the frame was dropped.</summary>
    Closed,
}
