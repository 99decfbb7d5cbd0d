namespace Game.LoadTest;

/// <summary>How <see cref="SloSearch"/> looks for the largest load that still meets the SLO.</summary>
public sealed record SloSearchOptions
{
    /// <summary>Rooms in the first step.</summary>
    /// <value>Default 10. At least 1.</value>
    public int StartRooms { get; init; } = 10;

    /// <summary>The most rooms a step may use; the search stops there even if the SLO still holds.</summary>
    /// <value>Default 1000.</value>
    public int MaxRooms { get; init; } = 1000;

    /// <summary>Factor by which rooms grow while every step holds.</summary>
    /// <value>Default 2 (doubling). More than 1.</value>
    public double Growth { get; init; } = 2;

    /// <summary>Bisection stops when the gap between the last held and the first broken room count is at most this share of the held one (or 1 room).</summary>
    /// <value>Default 0.05 (5 %).</value>
    public double Resolution { get; init; } = 0.05;

    /// <summary>Runs at one room count before it counts as broken: a break is re-run, and the room count holds if any run held.</summary>
    /// <value>Default 2 (one re-run). 1 makes every break final.</value>
    public int Attempts { get; init; } = 2;

    /// <summary>The most runs the search makes (re-runs included).</summary>
    /// <value>Default 16.</value>
    public int MaxSteps { get; init; } = 16;

    /// <summary>Pause between steps, so the server can free the previous step's rooms.</summary>
    /// <value>Default 3 s.</value>
    public TimeSpan Pause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The SLO.</summary>
    /// <value>Default <see cref="SloCriteria.Default"/>: ≥ 19 snapshots/s for every bot and p99 ≤ 100 ms.</value>
    public SloCriteria Criteria { get; init; } = SloCriteria.Default;

    /// <summary>Called after each step (from the search's thread); exceptions it throws are ignored.</summary>
    /// <value>Default null.</value>
    public Action<SloStep>? StepCompleted { get; init; }

    /// <summary>Checks every option.</summary>
    /// <returns>One message per invalid option; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (StartRooms < 1)
        {
            errors.Add($"the SLO search starts at 1 room or more (got {StartRooms})");
        }
        if (MaxRooms < StartRooms)
        {
            errors.Add($"the SLO search's maximum rooms ({MaxRooms}) is below its start ({StartRooms})");
        }
        if (!(Growth > 1) || double.IsInfinity(Growth))
        {
            errors.Add($"the SLO search's growth factor must be more than 1 (got {Growth})");
        }
        if (!(Resolution >= 0) || Resolution >= 1)
        {
            errors.Add($"the SLO search's resolution must be in [0, 1) (got {Resolution})");
        }
        if (Attempts < 1)
        {
            errors.Add($"the SLO search needs at least one attempt per room count (got {Attempts})");
        }
        if (MaxSteps < 1)
        {
            errors.Add($"the SLO search needs at least one step (got {MaxSteps})");
        }
        if (Pause < TimeSpan.Zero)
        {
            errors.Add("the pause between SLO steps must not be negative");
        }
        return errors;
    }
}
