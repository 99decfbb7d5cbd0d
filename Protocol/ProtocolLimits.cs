namespace Game.Protocol;

/// <summary>
/// The value limits of wire protocol v1 and v1.1 (shared protocol.md, "Client → server" and v1.1). Lengths count
/// UTF-16 code units, as JavaScript's <c>String.length</c> does.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>Longest player name (<c>hello.name</c>): 24 chars. The shortest is 1.</summary>
    public const int MaxNameLength = 24;

    /// <summary>Longest room id (<c>join.room</c>): 32 chars of <c>[A-Za-z0-9_-]</c>. The shortest is 1.</summary>
    public const int MaxRoomIdLength = 32;

    /// <summary>Longest chat line (<c>chat.text</c>): 200 chars. The shortest is 1.</summary>
    public const int MaxChatLength = 200;

    /// <summary>The room kind a <c>join</c> without <c>kind</c> asks for: <c>"arena"</c>.</summary>
    public const string DefaultRoomKind = "arena";

    /// <summary>
    /// Seats of an arena room: 8 players (shared protocol.md, "The arena game"), the <c>max</c> of its <c>joined</c> and
    /// <c>rooms</c> entry (shared protocol.md v1.1, "Joining with options").
    /// </summary>
    public const int ArenaCapacity = 8;

    /// <summary>
    /// Longest room kind (<c>join.kind</c>): 16 chars of <c>[a-z0-9_-]</c>; the shortest is 1. The parser checks only
    /// the shape; whether the kind exists is the server's decision (an unknown kind is <c>bad_request</c>, shared
    /// protocol.md v1.1 "New error codes").
    /// </summary>
    public const int MaxKindLength = 16;

    /// <summary>
    /// Smallest <c>join.max</c> the parser accepts: 1 player. The per-kind ranges (shared protocol.md v1.1, e.g.
    /// relay 2–16, pong 2, board 2–32) are narrower and checked by the server.
    /// </summary>
    public const int MinRoomCapacity = 1;

    /// <summary>Largest <c>join.max</c> the parser accepts: 1000 players (a sanity bound; shared protocol.md v1.1 sets the per-kind ranges).</summary>
    public const int MaxRoomCapacity = 1000;

    /// <summary>Longest player id (<c>chat.to</c>, <c>relay.to</c>): 32 chars of <c>[A-Za-z0-9_-]</c>. The shortest is 1.</summary>
    public const int MaxPlayerIdLength = 32;

    /// <summary>
    /// Largest <c>relay.data</c>: 2048 bytes (2 KiB), counted as the UTF-8 bytes of the value exactly as it appears in
    /// the frame, from its first to its last byte (shared protocol.md v1.1, kind <c>relay</c>).
    /// </summary>
    public const int MaxRelayDataBytes = 2048;

    /// <summary>Fewest points in a <c>draw</c>: 2 <c>[x, y]</c> pairs (shared protocol.md v1.1, kind <c>board</c>).</summary>
    public const int MinDrawPoints = 2;

    /// <summary>Most points in a <c>draw</c>: 256 <c>[x, y]</c> pairs (shared protocol.md v1.1, kind <c>board</c>).</summary>
    public const int MaxDrawPoints = 256;

    /// <summary>Smallest <c>draw</c> coordinate: 0 board units (shared protocol.md v1.1, kind <c>board</c>).</summary>
    public const float MinDrawCoordinate = 0;

    /// <summary>Largest <c>draw</c> coordinate: 1000 board units (shared protocol.md v1.1, kind <c>board</c>).</summary>
    public const float MaxDrawCoordinate = 1000;

    /// <summary>Thinnest <c>draw.width</c>: 1 board unit (shared protocol.md v1.1, kind <c>board</c>).</summary>
    public const float MinDrawWidth = 1;

    /// <summary>Thickest <c>draw.width</c>: 40 board units (shared protocol.md v1.1, kind <c>board</c>).</summary>
    public const float MaxDrawWidth = 40;

    /// <summary>Whether <paramref name="roomId"/> is a valid room id: 1–32 chars, each of <c>[A-Za-z0-9_-]</c>.</summary>
    /// <param name="roomId">The candidate id.</param>
    public static bool IsValidRoomId(ReadOnlySpan<char> roomId) => IsIdentifier(roomId, MaxRoomIdLength);

    /// <summary>
    /// Whether <paramref name="playerId"/> has the shape of a player id: 1–32 chars, each of <c>[A-Za-z0-9_-]</c>
    /// (<c>chat.to</c>, <c>relay.to</c>; shared protocol.md v1.1).
    /// </summary>
    /// <param name="playerId">The candidate id.</param>
    public static bool IsValidPlayerId(ReadOnlySpan<char> playerId) => IsIdentifier(playerId, MaxPlayerIdLength);

    /// <summary>
    /// Whether <paramref name="kind"/> has the shape of a room kind: 1–16 chars, each of <c>[a-z0-9_-]</c>
    /// (<c>join.kind</c>). Says nothing about whether the kind exists (the server's decision).
    /// </summary>
    /// <param name="kind">The candidate kind.</param>
    public static bool IsValidKind(ReadOnlySpan<char> kind)
    {
        if (kind.Length is < 1 or > MaxKindLength) return false;
        foreach (var c in kind)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_' || c == '-')) return false;
        }
        return true;
    }

    private static bool IsIdentifier(ReadOnlySpan<char> id, int maxLength)
    {
        if (id.Length < 1 || id.Length > maxLength) return false;
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        }
        return true;
    }
}
