namespace Game.LoadTest;

/// <summary>
/// Runs load tests: <c>var result = await LoadRun.RunAsync(new LoadRunOptions { Urls = [...], Rooms = 2, PlayersPerRoom = 4 }, ct);</c>
/// Usable without the console UI (the CLI is a thin layer over it).
/// </summary>
public static class LoadRun
{
    /// <summary>
    /// Runs one load test: ramps up <see cref="LoadRunOptions.TotalBots"/> bots, warms up, measures for
    /// <see cref="LoadRunOptions.Duration"/>, closes every bot and returns the figures.
    /// </summary>
    /// <param name="options">What to run.</param>
    /// <param name="cancellationToken">Stops the run early; the figures so far are still returned (with <see cref="LoadSummary.Cancelled"/> set).</param>
    /// <returns>The figures. If no bot could be seated the run ends after ramp-up (see <see cref="LoadRunResult.AnyBotJoined"/>).</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem; see <see cref="LoadRunOptions.Validate"/>).</exception>
    public static async Task<LoadRunResult> RunAsync(LoadRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid load run options: " + string.Join("; ", errors), nameof(options));
        }
        var runner = new LoadRunner(options);
        return await runner.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A fresh run id: 6 random lowercase letters and digits.</summary>
    /// <returns>The id.</returns>
    public static string NewRunId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(6, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }

    /// <summary>The room id of room <paramref name="room"/> of run <paramref name="runId"/>: <c>load-&lt;run&gt;-&lt;n&gt;</c>.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="room">The room number, from 0.</param>
    /// <returns>The room id.</returns>
    public static string RoomId(string runId, int room) => $"load-{runId}-{room}";
}
