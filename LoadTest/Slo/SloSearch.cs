namespace Game.LoadTest;

/// <summary>
/// Capacity search: raises the number of rooms until the SLO breaks and reports the last CCU that held.
/// </summary>
/// <remarks>
/// Strategy: geometric growth, then bisection. Step 1 runs <see cref="SloSearchOptions.StartRooms"/>; while steps hold,
/// rooms are multiplied by <see cref="SloSearchOptions.Growth"/> (capped at <see cref="SloSearchOptions.MaxRooms"/>).
/// Once a step breaks, the search bisects between the largest held and the smallest broken room count until they are
/// within <see cref="SloSearchOptions.Resolution"/> (or 1 room) of each other. If the very first step breaks, it bisects
/// down towards 1 room. Each step is a complete short <see cref="LoadRun"/> (own run id, so own rooms: ramp-up, warm-up,
/// measurement) followed by a pause. A room count that breaks is run again, up to <see cref="SloSearchOptions.Attempts"/>
/// times in all, and counts as broken only if every attempt broke (one hiccup of a shared machine does not end the
/// search). At most <see cref="SloSearchOptions.MaxSteps"/> runs.
/// </remarks>
public static class SloSearch
{
    /// <summary>Runs the search.</summary>
    /// <param name="runOptions">Every step's run options; <see cref="LoadRunOptions.Rooms"/> and <see cref="LoadRunOptions.RunId"/> are set per step.</param>
    /// <param name="searchOptions">The search's bounds and the SLO.</param>
    /// <param name="cancellationToken">Stops the search; steps made so far are returned (a cancelled step never counts as held).</param>
    /// <returns>Every step and the best one.</returns>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static async Task<SloSearchResult> RunAsync(LoadRunOptions runOptions, SloSearchOptions searchOptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runOptions);
        ArgumentNullException.ThrowIfNull(searchOptions);
        var errors = runOptions.Validate().Concat(searchOptions.Validate()).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid SLO search options: " + string.Join("; ", errors));
        }

        var steps = new List<SloStep>();
        SloStep? best = null;
        int? broken = null;
        var held = 0;
        var rooms = searchOptions.StartRooms;
        var attempt = 1;
        while (steps.Count < searchOptions.MaxSteps && !cancellationToken.IsCancellationRequested)
        {
            if (steps.Count > 0 && searchOptions.Pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(searchOptions.Pause, runOptions.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var result = await LoadRun.RunAsync(runOptions with { Rooms = rooms, RunId = null }, cancellationToken).ConfigureAwait(false);
            var ok = !result.Summary.Cancelled && searchOptions.Criteria.IsMetBy(result.Summary);
            var step = new SloStep(steps.Count + 1, rooms, result with { Summary = result.Summary with { SloHeld = ok } }, ok, attempt);
            steps.Add(step);
            try
            {
                searchOptions.StepCompleted?.Invoke(step);
            }
#pragma warning disable CA1031 // a faulty callback must not stop the search
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            if (result.Summary.Cancelled || (!result.AnyBotJoined && steps.Count == 1))
            {
                break; // stopped, or nothing could connect at all: growing or bisecting would not help
            }
            if (!ok && attempt < searchOptions.Attempts && result.AnyBotJoined)
            {
                attempt++; // a break may be a passing hiccup of a shared machine: try the same rooms again
                continue;
            }
            attempt = 1;
            if (ok)
            {
                held = rooms;
                if (best is null || rooms > best.Rooms)
                {
                    best = step;
                }
            }
            else
            {
                broken = broken is null ? rooms : Math.Min(broken.Value, rooms);
            }

            var next = NextRooms(held, broken, rooms, searchOptions);
            if (next is null)
            {
                break;
            }
            rooms = next.Value;
        }
        return new SloSearchResult(steps, best, broken, searchOptions.Criteria);
    }

    /// <summary>The next step's rooms, or null when the search is done.</summary>
    /// <param name="held">Largest room count that held (0 if none).</param>
    /// <param name="broken">Smallest room count that broke, or null.</param>
    /// <param name="current">The step just run.</param>
    /// <param name="options">The bounds.</param>
    internal static int? NextRooms(int held, int? broken, int current, SloSearchOptions options)
    {
        if (broken is null)
        {
            if (current >= options.MaxRooms)
            {
                return null;
            }
            var grown = (int)Math.Min(options.MaxRooms, Math.Max(current + 1L, (long)Math.Ceiling(current * options.Growth)));
            return grown;
        }
        var gap = broken.Value - held;
        if (gap <= Math.Max(1, held * options.Resolution))
        {
            return null;
        }
        var mid = held + (gap / 2);
        return mid < 1 || mid == held || mid == broken ? null : mid;
    }
}
