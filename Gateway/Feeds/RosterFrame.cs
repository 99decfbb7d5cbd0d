using Game.Gateway.Connections;
using Game.Protocol;

namespace Game.Gateway.Feeds;

/// <summary>
/// A room's binary <c>roster</c> (docs/protocol-binary.md) and its encoded bytes, made once per roster by the room's
/// feed. Compared by reference: a seat that has not had this instance gets it before the next binary <c>map</c>.
/// </summary>
/// <param name="Roster">The roster.</param>
/// <param name="Frame">Its binary frame, shared by every binary member of the room.</param>
internal sealed record RosterFrame(BinaryRoster Roster, OutgoingFrame Frame);
