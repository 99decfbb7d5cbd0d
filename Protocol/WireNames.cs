using System.Text.Json;

namespace Game.Protocol;

/// <summary>Property names and <c>type</c> values of server → client messages (shared protocol.md, v1 and v1.1), encoded once.</summary>
internal static class WireNames
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");

    // Message types.
    public static readonly JsonEncodedText Welcome = JsonEncodedText.Encode("welcome");
    public static readonly JsonEncodedText TimeType = JsonEncodedText.Encode("time");
    public static readonly JsonEncodedText RoomsType = JsonEncodedText.Encode("rooms");
    public static readonly JsonEncodedText Joined = JsonEncodedText.Encode("joined");
    public static readonly JsonEncodedText Map = JsonEncodedText.Encode("map");
    public static readonly JsonEncodedText PlayerJoined = JsonEncodedText.Encode("player_joined");
    public static readonly JsonEncodedText PlayerLeft = JsonEncodedText.Encode("player_left");
    public static readonly JsonEncodedText PlayerAttacked = JsonEncodedText.Encode("player_attacked");
    public static readonly JsonEncodedText PlayerKilled = JsonEncodedText.Encode("player_killed");
    public static readonly JsonEncodedText HostChanged = JsonEncodedText.Encode("host_changed");
    public static readonly JsonEncodedText Chat = JsonEncodedText.Encode("chat");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText Announcement = JsonEncodedText.Encode("announcement");
    public static readonly JsonEncodedText Relay = JsonEncodedText.Encode("relay");
    public static readonly JsonEncodedText Draw = JsonEncodedText.Encode("draw");
    public static readonly JsonEncodedText Clear = JsonEncodedText.Encode("clear");
    public static readonly JsonEncodedText Point = JsonEncodedText.Encode("point");
    public static readonly JsonEncodedText MatchOver = JsonEncodedText.Encode("match_over");

    // Fields.
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Token = JsonEncodedText.Encode("token");
    public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    public static readonly JsonEncodedText T = JsonEncodedText.Encode("t");
    public static readonly JsonEncodedText Server = JsonEncodedText.Encode("server");
    public static readonly JsonEncodedText Rooms = JsonEncodedText.Encode("rooms");
    public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    public static readonly JsonEncodedText Players = JsonEncodedText.Encode("players");
    public static readonly JsonEncodedText Max = JsonEncodedText.Encode("max");
    public static readonly JsonEncodedText Locked = JsonEncodedText.Encode("locked");
    public static readonly JsonEncodedText Room = JsonEncodedText.Encode("room");
    public static readonly JsonEncodedText You = JsonEncodedText.Encode("you");
    public static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    public static readonly JsonEncodedText Tick = JsonEncodedText.Encode("tick");
    public static readonly JsonEncodedText World = JsonEncodedText.Encode("world");
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Color = JsonEncodedText.Encode("color");
    public static readonly JsonEncodedText Player = JsonEncodedText.Encode("player");
    public static readonly JsonEncodedText By = JsonEncodedText.Encode("by");
    public static readonly JsonEncodedText Hp = JsonEncodedText.Encode("hp");
    public static readonly JsonEncodedText From = JsonEncodedText.Encode("from");
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
    public static readonly JsonEncodedText Encoding = JsonEncodedText.Encode("encoding");
    public static readonly JsonEncodedText To = JsonEncodedText.Encode("to");
    public static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    public static readonly JsonEncodedText Points = JsonEncodedText.Encode("points");
    public static readonly JsonEncodedText Width = JsonEncodedText.Encode("width");
    public static readonly JsonEncodedText Strokes = JsonEncodedText.Encode("strokes");
    public static readonly JsonEncodedText Waiting = JsonEncodedText.Encode("waiting");
    public static readonly JsonEncodedText State = JsonEncodedText.Encode("state");
    public static readonly JsonEncodedText Ball = JsonEncodedText.Encode("ball");
    public static readonly JsonEncodedText Scores = JsonEncodedText.Encode("scores");
    public static readonly JsonEncodedText Winner = JsonEncodedText.Encode("winner");

    // Values of "encoding".
    public static readonly JsonEncodedText Json = JsonEncodedText.Encode("json");
    public static readonly JsonEncodedText Binary = JsonEncodedText.Encode("binary");

    // Values of pong's "state" (shared protocol.md v1.1).
    public static readonly JsonEncodedText StateWaiting = JsonEncodedText.Encode("waiting");
    public static readonly JsonEncodedText StatePlaying = JsonEncodedText.Encode("playing");
    public static readonly JsonEncodedText StateOver = JsonEncodedText.Encode("over");
}
