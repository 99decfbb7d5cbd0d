using Game.Grains.Interfaces;

namespace Game.Grains.Arena;

// Inputs: what the players hold between steps.
public sealed partial class ArenaSimulation
{
    /// <summary>
    /// Records a player's newest input for the next <see cref="Step"/> (arena rules: "apply each player's newest input").
    /// The direction is held until the next input (like held keys); an attack is used by the next step only; the
    /// player's <see cref="ArenaPlayerState.Ack"/> becomes <see cref="InputSample.Seq"/>.
    /// </summary>
    /// <remarks>
    /// Ignored when the player is not seated or <see cref="InputSample.HasInput"/> is false. Each direction component is
    /// clamped to [-1, 1] (non-finite values count as 0); a vector longer than 1 is scaled to length 1 when moving,
    /// a shorter one is kept (analog input). Dead players' inputs are recorded too: they move with them after respawning.
    /// </remarks>
    /// <param name="playerId">The player's id.</param>
    /// <param name="input">The newest input since the last step.</param>
    public void SetInput(string playerId, in InputSample input)
    {
        if (!input.HasInput)
        {
            return;
        }

        int index = IndexOf(playerId);
        if (index < 0)
        {
            return;
        }

        ref ArenaPlayerState p = ref _players[index];
        p = p with
        {
            InputX = SanitizeAxis(input.Vx),
            InputY = SanitizeAxis(input.Vy),
            Ack = input.Seq,
            AttackPending = p.AttackPending | input.Attack,
        };
    }

    /// <summary>Stops a player: zero direction and no pending attack (used when its connection drops). Ignored when not seated.</summary>
    /// <param name="playerId">The player's id.</param>
    public void ClearInput(string playerId)
    {
        int index = IndexOf(playerId);
        if (index >= 0)
        {
            ref ArenaPlayerState p = ref _players[index];
            p = p with { InputX = 0f, InputY = 0f, AttackPending = false };
        }
    }

    private static float SanitizeAxis(float value) => float.IsFinite(value) ? Math.Clamp(value, -1f, 1f) : 0f;
}
