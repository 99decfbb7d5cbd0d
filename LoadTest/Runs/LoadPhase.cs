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

    /// <summary>
    /// The window has closed and its figures are frozen; the bots play on for <see cref="LoadRunOptions.Linger"/>, so that
    /// a server can be probed under the same load without the probe in the figures (scripts/perf/perf.py's full GC).
    /// </summary>
    Lingering,

    /// <summary>The bots are closing.</summary>
    Stopping,
}
