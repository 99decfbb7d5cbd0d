using System.Buffers;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// The binary encoding of a room's stream (docs/protocol-binary.md): encodes snapshots as binary <c>map</c>s and keeps
/// the room's <see cref="Roster"/>, starting a new version whenever the snapshot's player list (or its order) changes.
/// Room events have no binary form: they stay JSON (<see cref="CanEncode"/>).
/// </summary>
/// <remarks>
/// One instance per room stream subscription (it holds the room's roster; not thread-safe). Encoding a snapshot whose
/// players match the roster allocates nothing; a new roster allocates its id list. Whoever sends the maps must send
/// <see cref="Roster"/> (<see cref="BinaryMessageWriter.WriteRoster"/>) to a client before the first map that follows it.
/// </remarks>
public sealed class BinaryRoomEventEncoder : IRoomEventEncoder
{
    private byte _nextVersion = 1;

    /// <inheritdoc />
    public MessageFormat Format => MessageFormat.Binary;

    /// <summary>The roster of the last encoded map, or null before the first.</summary>
    public BinaryRoster? Roster { get; private set; }

    /// <summary>Whether <paramref name="item"/> has a binary form: only snapshots (<c>map</c>) do.</summary>
    /// <param name="item">A room stream item.</param>
    public static bool CanEncode(RoomEvent item) => item is RoomSnapshot;

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="item"/> is not a <see cref="RoomSnapshot"/>, or a player id is not 1–255 bytes of UTF-8.</exception>
    public void Encode(RoomEvent item, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (item is not RoomSnapshot snapshot)
        {
            throw new ArgumentException($"No binary message for room event {item?.GetType().Name ?? "null"}: room events stay JSON.", nameof(item));
        }
        var roster = Roster;
        if (roster is null || !roster.Matches(snapshot.Players))
        {
            roster = BinaryRoster.Create(_nextVersion, snapshot.Players);
            _nextVersion = unchecked((byte)(_nextVersion + 1));
            Roster = roster;
        }
        BinaryMessageWriter.WriteMapUnchecked(output, snapshot, roster.Version);
    }
}
