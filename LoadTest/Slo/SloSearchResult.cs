namespace Game.LoadTest;

/// <summary>The outcome of an SLO search.</summary>
/// <param name="Steps">Every run, in order.</param>
/// <param name="Best">The held step with the most rooms, or null if none held.</param>
/// <param name="FirstBrokenRooms">The fewest rooms at which the SLO broke, or null if it never broke (the search hit its maximum).</param>
/// <param name="Criteria">The SLO searched for.</param>
public sealed record SloSearchResult(IReadOnlyList<SloStep> Steps, SloStep? Best, int? FirstBrokenRooms, SloCriteria Criteria)
{
    /// <summary>The last CCU that held (the best held step's CCU), or 0.</summary>
    public int MaxCcu => Best?.Result.Summary.Ccu ?? 0;

    /// <summary>
    /// The summary to report: the best held step's, or (none held) the smallest broken step's, with
    /// <see cref="LoadSummary.SloHeld"/> and <see cref="LoadSummary.SloSteps"/> set.
    /// </summary>
    /// <returns>The summary; null only if the search made no step.</returns>
    public LoadSummary? FinalSummary()
    {
        var step = Best ?? Steps.OrderBy(s => s.Rooms).FirstOrDefault();
        return step is null ? null : step.Result.Summary with { SloHeld = step.Held, SloSteps = Steps.Count };
    }
}
