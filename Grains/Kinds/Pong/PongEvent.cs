namespace Game.Grains.Kinds.Pong;

/// <summary>What a <see cref="PongEvent"/> reports.</summary>
public enum PongEventKind
{
    /// <summary>A point (<c>point</c>): <see cref="PongEvent.PlayerId"/> scored.</summary>
    Point,
    /// <summary>The match ended (<c>match_over</c>): <see cref="PongEvent.PlayerId"/> won.</summary>
    MatchOver,
}

/// <summary>An event of one <see cref="PongSimulation.Step"/>, with both players' scores after it.</summary>
/// <param name="Kind">Point or match over.</param>
/// <param name="PlayerId">Who scored (point) or won (match over).</param>
/// <param name="LeftId">The left player's id.</param>
/// <param name="LeftScore">The left player's score.</param>
/// <param name="RightId">The right player's id.</param>
/// <param name="RightScore">The right player's score.</param>
public readonly record struct PongEvent(PongEventKind Kind, string PlayerId, string LeftId, int LeftScore, string RightId, int RightScore);
