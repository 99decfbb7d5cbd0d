using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Game.LoadTest.Cli;

/// <summary>A live table (Spectre.Console) refreshed about once a second while the run goes on.</summary>
internal sealed class LiveProgressView(string title) : ProgressView
{
    private readonly List<string> _steps = [];
    private LoadProgress? _latest;

    public override async Task<T> RunAsync<T>(Func<Action<LoadProgress>, Task<T>> work)
    {
        T result = default!;
        await AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async ctx =>
        {
            var task = work(p => Volatile.Write(ref _latest, p));
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
                ctx.UpdateTarget(Render());
                ctx.Refresh();
            }
            result = await task.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    public override void ShowSilos(IReadOnlyList<SiloSummary> silos)
    {
        foreach (var silo in silos)
        {
            AnsiConsole.WriteLine(PlainProgressView.FormatSilo(silo));
        }
    }

    public override void ShowGaps(LoadSummary summary) => AnsiConsole.WriteLine(PlainProgressView.FormatGaps(summary));

    public override void OnStep(SloStep step)
    {
        lock (_steps)
        {
            _steps.Add(PlainProgressView.FormatStep(step));
        }
    }

    private IRenderable Render()
    {
        var p = Volatile.Read(ref _latest);
        var ci = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).HideHeaders();
        table.AddColumn("figure");
        table.AddColumn(new TableColumn("value"));
        if (p is null)
        {
            table.AddRow("phase", "starting…");
        }
        else
        {
            table.AddRow("phase", Markup.Escape(PlainProgressView.Phase(p.Phase)
                + (p.PhaseRemaining is { } left ? string.Create(ci, $" ({left.TotalSeconds:0} s left)") : "")
                + string.Create(ci, $", {p.Elapsed.TotalSeconds:0} s elapsed, run {p.RunId}")));
            table.AddRow("CCU", string.Create(ci, $"[bold]{p.Ccu}[/] / {p.TargetBots}  (started {p.Started}{(p.Failed > 0 ? $", [red]failed {p.Failed}[/]" : "")})"));
            table.AddRow("snapshots / bot / s", Colour(p.SnapshotsPerBotPerSecond >= 19 || p.Ccu == 0, string.Create(ci, $"{p.SnapshotsPerBotPerSecond:0.0}")));
            table.AddRow("inputs / s", string.Create(ci, $"{p.InputsPerSecond:0}"));
            table.AddRow("input→ack (last 1 s)", string.Create(ci,
                $"p50 {p.P50Ms:0.0}  p90 {p.P90Ms:0.0}  p99 {Colour(p.P99Ms <= 100, p.P99Ms.ToString("0.0", ci))}  max {p.MaxMs:0.0} ms"));
            table.AddRow("input→ack p99 (window)", p.Phase == LoadPhase.Measuring || p.WindowP99Ms > 0
                ? Colour(p.WindowP99Ms <= 100, string.Create(ci, $"{p.WindowP99Ms:0.0} ms"))
                : "[grey]not measuring yet[/]");
            table.AddRow("join p99", string.Create(ci, $"{p.JoinP99Ms:0.0} ms"));
            table.AddRow("tester CPU", string.Create(ci, $"{p.TesterCpuPercent:0} % of one core ({Environment.ProcessorCount} cores)"));
            foreach (var silo in p.Silos)
            {
                table.AddRow(Markup.Escape("silo " + silo.Label), Markup.Escape(string.Create(ci,
                    $"{silo.Status}, {silo.Rooms} rooms, {silo.Players} players, tick p99 {(silo.TickP99Ms is { } tick ? $"{tick:0.0} ms" : "-")}, cpu {(silo.CpuPercent is { } cpu ? $"{cpu:0}%" : "-")}")));
            }
            table.AddRow("errors / disconnects", string.Create(ci, $"{Colour(p.Errors == 0, p.Errors.ToString(ci))} / {Colour(p.Disconnects == 0, p.Disconnects.ToString(ci))}"));
        }
        List<string> steps;
        lock (_steps)
        {
            steps = [.. _steps];
        }
        if (steps.Count == 0)
        {
            return table;
        }
        return new Rows(table, new Text(string.Join(Environment.NewLine, steps)));
    }

    private static string Colour(bool good, string text) => good ? $"[green]{Markup.Escape(text)}[/]" : $"[red]{Markup.Escape(text)}[/]";
}
