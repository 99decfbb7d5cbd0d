namespace Game.Protocol;

/// <summary>The client → server message types of wire protocol v1 and v1.1 (shared protocol.md, "Client → server" and v1.1).</summary>
public enum ClientMessageType
{
    /// <summary><c>hello</c>: starts or resumes a session; answered with <c>welcome</c>.</summary>
    Hello,
    /// <summary><c>time</c>: clock sync probe; answered with <c>time</c>.</summary>
    Time,
    /// <summary><c>rooms</c>: asks for the room list (v1.1: optionally to watch it); answered with <c>rooms</c>.</summary>
    Rooms,
    /// <summary><c>join</c>: joins (or creates) a room; answered with <c>joined</c> or <c>error</c>.</summary>
    Join,
    /// <summary><c>input</c>: one movement/attack input; no reply, its effect shows in <c>map</c>.</summary>
    Input,
    /// <summary><c>chat</c>: a chat line to the room (v1.1: or to one player, <c>to</c>).</summary>
    Chat,
    /// <summary><c>leave</c>: leaves the current room.</summary>
    Leave,
    /// <summary><c>relay</c>: a message passed to the other players of a relay room, or to one (shared protocol.md v1.1, kind <c>relay</c>).</summary>
    Relay,
    /// <summary><c>draw</c>: a stroke on a board (shared protocol.md v1.1, kind <c>board</c>).</summary>
    Draw,
    /// <summary><c>clear</c>: empties a board; host only (shared protocol.md v1.1, kind <c>board</c>).</summary>
    Clear,
}
