namespace Game.LoadTest.Cli;

/// <summary>Runs what the command line asked for and prints the summary JSON as the last stdout line.</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(CliSettings settings, CancellationToken cancellationToken)
    {
        var o = settings.Run;
        if (o.Chaos is { Log: null } chaosOptions)
        {
            // What the chaos loop does, as it happens (the report has it all too).
            o = o with { Chaos = chaosOptions with { Log = line => Console.Error.WriteLine("chaos " + line) } };
        }
        var title = settings.Slo
            ? $"Game.LoadTest SLO search from {o.Rooms} {o.Kind.WireName()} rooms × {o.PlayersPerRoom} — {o.Urls.Count} gateway(s)"
            : $"Game.LoadTest {o.Rooms} {o.Kind.WireName()} rooms × {o.PlayersPerRoom} = {o.TotalBots} bots — {o.Urls.Count} gateway(s)";
        var view = ProgressView.Create(settings.Plain, title);

        LoadSummary? summary;
        LoadRunResult? reported;
        SloSearchResult? search = null;
        bool anyJoined;
        if (!settings.Slo)
        {
            var result = await view.RunAsync(progress => LoadRun.RunAsync(o with { Progress = progress }, cancellationToken)).ConfigureAwait(false);
            summary = result.Summary;
            reported = result;
            anyJoined = result.AnyBotJoined;
            view.ShowSilos(summary.Silos);
            if (anyJoined)
            {
                view.ShowGaps(summary);
            }
            if (summary.Chaos is { } chaos)
            {
                foreach (var line in ChaosText.Lines(chaos))
                {
                    await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
                }
            }
        }
        else
        {
            var searchOptions = new SloSearchOptions { StartRooms = o.Rooms, MaxRooms = settings.SloMaxRooms, Attempts = settings.SloAttempts, StepCompleted = view.OnStep };
            search = await view.RunAsync(progress => SloSearch.RunAsync(o with { Progress = progress }, searchOptions, cancellationToken)).ConfigureAwait(false);
            summary = search.FinalSummary();
            reported = search.Best?.Result ?? search.Steps.OrderBy(s => s.Rooms).FirstOrDefault()?.Result;
            anyJoined = search.Steps.Any(s => s.Result.AnyBotJoined);
            await Console.Error.WriteLineAsync($"SLO search: last CCU that held = {search.MaxCcu}" +
                (search.Best is null ? " (no step held)" : $" ({search.Best.Rooms} rooms)")).ConfigureAwait(false);
        }

        if (settings.ReportPath is { } path && reported is not null)
        {
            try
            {
                await File.WriteAllTextAsync(path, MarkdownReport.Render(reported, search), CancellationToken.None).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"report written to {path}").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: could not write the report to {path}: {ex.Message}").ConfigureAwait(false);
            }
        }

        if (!anyJoined)
        {
            var reason = reported?.Bots.Select(b => b.FailureReason).FirstOrDefault(r => r is not null);
            await Console.Error.WriteLineAsync("error: no bot could connect and join" + (reason is null ? "" : $" (e.g. {reason})")).ConfigureAwait(false);
        }

        if (summary is not null && anyJoined)
        {
            await WarnIfTesterWasTheBottleneckAsync(summary, o).ConfigureAwait(false);
            if (summary.ClusterSampleFailures > 0)
            {
                await Console.Error.WriteLineAsync($"warning: {summary.ClusterSampleFailures} sample(s) of the cluster view " +
                    $"{reported?.Options.ClusterUrl} failed (timeout, refused or bad answer); per-silo figures may be missing.").ConfigureAwait(false);
            }
        }

        if (summary is not null)
        {
            await Console.Out.WriteLineAsync(summary.ToJson()).ConfigureAwait(false);
            await Console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return !anyJoined ? ExitCodes.NoBotConnected
            : cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled
            : ExitCodes.Ok;
    }

    /// <summary>What a bot of <paramref name="kind"/> sends at the input rate, for messages: inputs, relays or strokes.</summary>
    internal static string Messages(RoomKind kind) => kind switch
    {
        RoomKind.Relay => "relays",
        RoomKind.Board => "strokes",
        _ => "inputs",
    };

    /// <summary>Warns on stderr when the figures say the tester, not the server, may have limited the run.</summary>
    private static async Task WarnIfTesterWasTheBottleneckAsync(LoadSummary s, LoadRunOptions o)
    {
        var cpuBudget = Environment.ProcessorCount * 100.0;
        if (s.TesterCpuPercent > 0.6 * cpuBudget)
        {
            await Console.Error.WriteLineAsync(
                $"warning: the tester used {s.TesterCpuPercent:0}% CPU of {cpuBudget:0}% available; on a shared machine it may be competing with the server.").ConfigureAwait(false);
        }
        if (s.Ccu > 0 && s.InputsPerBotPerSecond < 0.95 * o.SendRateHz)
        {
            await Console.Error.WriteLineAsync(
                $"warning: bots sent {s.InputsPerBotPerSecond:0.0} {Messages(o.Kind)}/s instead of {o.SendRateHz}: the tester's input loop fell behind (or sends were blocked by the server).").ConfigureAwait(false);
        }
    }
}
