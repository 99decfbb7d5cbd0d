using Orleans;

namespace Game.Grains.Kinds.Pong;

/// <summary>What a pong room is doing (the <c>state</c> of its <c>map</c>).</summary>
[GenerateSerializer, Alias("game.PongPhase")]
public enum PongPhase
{
    /// <summary><c>"waiting"</c>: fewer than two players; nothing moves.</summary>
    Waiting,
    /// <summary><c>"playing"</c>: a match is on (the ball in play, or waiting to be served).</summary>
    Playing,
    /// <summary><c>"over"</c>: a player reached 11; a new match starts 3 s later.</summary>
    Over,
}

/// <summary>A side of the court.</summary>
[GenerateSerializer, Alias("game.PongSide")]
public enum PongSide
{
    /// <summary>The left paddle, at x = 20 (the host's when a match starts).</summary>
    Left,
    /// <summary>The right paddle, at x = 780.</summary>
    Right,
}

/// <summary>The ball: a point, in world units and world units per second.</summary>
/// <param name="X">Position x, 0–800.</param>
/// <param name="Y">Position y, 0–500.</param>
/// <param name="Vx">Velocity x.</param>
/// <param name="Vy">Velocity y.</param>
[GenerateSerializer, Alias("game.PongBall"), Immutable]
public readonly record struct PongBall(double X, double Y, double Vx, double Vy);

/// <summary>A seated player's paddle: a vertical segment 80 high centred on <see cref="Y"/>, at its side's x.</summary>
/// <param name="Id">Player id.</param>
/// <param name="ColorSlot">The player's colour (<c>ArenaColors.ForSlot</c>), 0 or 1, kept while seated.</param>
/// <param name="Y">The paddle's centre y, 40–460.</param>
/// <param name="Vy">Its velocity in the last step, world units per second (0 when it did not move).</param>
/// <param name="InputY">The held input's <c>input[1]</c>, in [-1, 1] (held until the next input, like a held key).</param>
/// <param name="Score">Points in the current match, 0–11.</param>
/// <param name="Ack">The newest input seq received (the <c>ack</c> of <c>map</c>).</param>
[GenerateSerializer, Alias("game.PongPaddle"), Immutable]
public readonly record struct PongPaddle(string Id, int ColorSlot, double Y, double Vy, double InputY, int Score, long Ack);

/// <summary>
/// The complete state of a <see cref="PongSimulation"/> between steps (<see cref="PongSimulation.Capture"/>): restored, it
/// continues exactly as the original would given the same calls.
/// </summary>
/// <param name="Tick">Steps taken.</param>
/// <param name="RngState">The SplitMix64 generator's state (serve directions).</param>
/// <param name="Phase">Waiting, playing or over.</param>
/// <param name="Ball">The ball.</param>
/// <param name="ServeAtTick">The step that serves the ball (it rests at the centre until then); 0 when the ball is in play or no serve is due.</param>
/// <param name="OverUntilTick">While <see cref="PongPhase.Over"/>: the step that starts the next match; else 0.</param>
/// <param name="LastConceder">The side that conceded the last point of this pair of players (the next serve goes towards it); null before any.</param>
/// <param name="Left">The left paddle, or null when that side is free.</param>
/// <param name="Right">The right paddle, or null when that side is free.</param>
[GenerateSerializer, Alias("game.PongState"), Immutable]
public sealed record PongState(long Tick, ulong RngState, PongPhase Phase, PongBall Ball, long ServeAtTick, long OverUntilTick,
    PongSide? LastConceder, PongPaddle? Left, PongPaddle? Right);
