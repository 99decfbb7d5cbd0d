namespace Game.Protocol;

/// <summary>The <c>state</c> of a pong room's <c>map</c> (shared protocol.md v1.1, kind <c>pong</c>).</summary>
public enum PongState
{
    /// <summary><c>"waiting"</c>: one player only; nothing moves.</summary>
    Waiting,
    /// <summary><c>"playing"</c>: a match is on.</summary>
    Playing,
    /// <summary><c>"over"</c>: a player reached 11; a new match starts 3 s later if both are still there.</summary>
    Over,
}

/// <summary>The ball of a pong <c>map</c>, sent as <c>ball: [x, y, vx, vy]</c> rounded to 2 decimals (shared protocol.md v1.1, kind <c>pong</c>).</summary>
/// <param name="X">Position x, world units (0–800).</param>
/// <param name="Y">Position y, world units (0–500).</param>
/// <param name="Vx">Velocity x, world units per second.</param>
/// <param name="Vy">Velocity y, world units per second.</param>
public readonly record struct PongBall(float X, float Y, float Vx, float Vy);

/// <summary>
/// One player's paddle in a pong <c>map</c>, sent as <c>id: [x, y, 0, vy, score, ack]</c> with x, y and vy rounded to 2
/// decimals (shared protocol.md v1.1, kind <c>pong</c>).
/// </summary>
/// <param name="Id">Player id.</param>
/// <param name="X">Paddle centre x, world units (20 for the host, 780 for the other).</param>
/// <param name="Y">Paddle centre y, world units.</param>
/// <param name="Vy">Paddle velocity y, world units per second.</param>
/// <param name="Score">Points in the current match.</param>
/// <param name="Ack">Last input seq applied for this player (0 before any).</param>
public readonly record struct PongPaddle(string Id, float X, float Y, float Vy, int Score, long Ack);
