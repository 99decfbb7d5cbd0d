namespace Game.Protocol;

/// <summary>The client → server message types of wire protocol v1 (shared protocol.md, "Client → server").</summary>
public enum ClientMessageType
{
    /// <summary><c>hello</c>: starts or resumes a session; answered with <c>welcome</c>.</summary>
    Hello,
    /// <summary><c>time</c>: clock sync probe; answered with <c>time</c>.</summary>
    Time,
    /// <summary><c>rooms</c>: asks for the room list; answered with <c>rooms</c>.</summary>
    Rooms,
    /// <summary><c>join</c>: joins (or creates) a room; answered with <c>joined</c> or <c>error</c>.</summary>
    Join,
    /// <summary><c>input</c>: one movement/attack input; no reply, its effect shows in <c>map</c>.</summary>
    Input,
    /// <summary><c>chat</c>: a chat line to the room.</summary>
    Chat,
    /// <summary><c>leave</c>: leaves the current room.</summary>
    Leave,
}
