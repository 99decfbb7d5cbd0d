namespace Game.Protocol;

/// <summary>The value limits of wire protocol v1 (shared protocol.md, "Client → server"). Lengths count UTF-16 code units, as JavaScript's <c>String.length</c> does.</summary>
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

    /// <summary>Whether <paramref name="roomId"/> is a valid room id: 1–32 chars, each of <c>[A-Za-z0-9_-]</c>.</summary>
    /// <param name="roomId">The candidate id.</param>
    public static bool IsValidRoomId(ReadOnlySpan<char> roomId)
    {
        if (roomId.Length is < 1 or > MaxRoomIdLength) return false;
        foreach (var c in roomId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        }
        return true;
    }
}
