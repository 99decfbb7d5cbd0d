using System.Buffers;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// Encodes the items of a room's stream (<see cref="RoomEvent"/>: snapshots and events) into the bytes of one
/// server → client message, in one encoding. The gateway encodes each item once per room and encoding and sends
/// the same bytes to every player of the room that uses that encoding.
/// </summary>
/// <remarks>Implementations need not be thread-safe: use one instance per thread or per stream subscription.</remarks>
public interface IRoomEventEncoder
{
    /// <summary>The frame type the encoded bytes need.</summary>
    MessageFormat Format { get; }

    /// <summary>Appends the message for <paramref name="item"/> to <paramref name="output"/>.</summary>
    /// <param name="item">A snapshot (<c>map</c>) or a room event.</param>
    /// <param name="output">Receives exactly one message.</param>
    /// <exception cref="ArgumentException"><paramref name="item"/> is a <see cref="RoomEvent"/> subtype the encoder does not know.</exception>
    void Encode(RoomEvent item, IBufferWriter<byte> output);
}
