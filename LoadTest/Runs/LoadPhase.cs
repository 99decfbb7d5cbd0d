namespace Game.LoadTest;

/// <summary>The phases of a load run, in order.</summary>
public enum LoadPhase
{
    /// <summary>Bots are connecting at the ramp rate.</summary>
    RampingUp,

    /// <summary>All bots started; figures are not counted yet.</summary>
    WarmingUp,

    /// <summary>The measurement window is open.</summary>
    Measuring,

    /// <summary>The bots are closing.</summary>
    Stopping,
}
