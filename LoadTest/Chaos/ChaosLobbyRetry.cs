using System.Globalization;

namespace Game.LoadTest;

/// <summary>
/// The lobby check's retries: right after a fault healed a fresh <c>hello</c> can still be refused (<c>unavailable</c>:
/// the first call lands on the dead silo's directory partition for a moment), so a failed attempt is retried after a
/// short delay until a deadline from the first attempt. Every failed attempt is kept (<see cref="ChaosLobbyCheck.Retries"/>)
/// and logged; when none succeeds the check is not made, and the run's verdict does not hold.
/// </summary>
internal static class ChaosLobbyRetry
{
    /// <summary>Asks the lobby until an attempt answers, the deadline passes or the run is cancelled.</summary>
    /// <param name="attempt">One attempt, given its timeout: the check, or why it failed (it throws only when cancelled).</param>
    /// <param name="time">The clock.</param>
    /// <param name="deadline">No attempt starts later than this after the first, nor runs beyond it (each gets at least 1 s,
    /// at most <paramref name="attemptTimeout"/>).</param>
    /// <param name="delay">Between a failed attempt and the next.</param>
    /// <param name="attemptTimeout">The longest an attempt may take.</param>
    /// <param name="now">Seconds from the window's start, for the retry lines.</param>
    /// <param name="log">Called once per retry (and once when giving up), or null.</param>
    /// <param name="cancellationToken">The window closed: the check is reported as not made, with the attempts so far.</param>
    /// <returns>The check with <see cref="ChaosLobbyCheck.Attempts"/> and <see cref="ChaosLobbyCheck.Retries"/>.</returns>
    public static async Task<ChaosLobbyCheck> RunAsync(
        Func<TimeSpan, CancellationToken, Task<(ChaosLobbyCheck? Check, string? Failure)>> attempt,
        TimeProvider time, TimeSpan deadline, TimeSpan delay, TimeSpan attemptTimeout, Func<double> now, Action<string>? log,
        CancellationToken cancellationToken)
    {
        var start = time.GetTimestamp();
        var failures = new List<string>();
        var attempts = 0;
        try
        {
            while (true)
            {
                attempts++;
                var left = deadline - time.GetElapsedTime(start);
                var timeout = left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left > attemptTimeout ? attemptTimeout : left;
                var at = now();
                var (check, failure) = await attempt(timeout, cancellationToken).ConfigureAwait(false);
                if (check is not null)
                {
                    if (attempts > 1)
                    {
                        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"answered on attempt {attempts}"));
                    }
                    return check with { Attempts = attempts, Retries = failures };
                }
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"attempt {attempts} at {at:0.0} s: {failure}"));
                if (time.GetElapsedTime(start) + delay >= deadline)
                {
                    var why = string.Create(CultureInfo.InvariantCulture,
                        $"the lobby check failed {attempts} time(s) over {time.GetElapsedTime(start).TotalSeconds:0.#} s (last: {failure})");
                    log?.Invoke("gave up: " + why);
                    return ChaosLobbyCheck.NotChecked(why) with { Attempts = attempts, Retries = failures };
                }
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{failures[^1]}; retrying in {delay.TotalSeconds:0.#} s"));
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var why = failures.Count == 0
                ? "the window closed during the lobby check"
                : string.Create(CultureInfo.InvariantCulture, $"the window closed during the lobby check's retries (after {failures.Count} failed attempt(s))");
            return ChaosLobbyCheck.NotChecked(why) with { Attempts = attempts, Retries = failures };
        }
    }
}
