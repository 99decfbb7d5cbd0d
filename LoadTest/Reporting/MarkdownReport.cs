using System.Globalization;
using System.Text;

namespace Game.LoadTest;

/// <summary>Renders a load run (and optionally an SLO search) as a Markdown report: parameters, figures, and a text-bar latency histogram.</summary>
public static class MarkdownReport
{
    /// <summary>Bin edges of the report's histogram, ms (the last bin is everything above the last edge).</summary>
    private static readonly double[] EdgesMs = [0, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 500, 1000, 2000, 5000];

    private const int BarWidth = 40;

    /// <summary>Renders the report.</summary>
    /// <param name="result">The run to report (for an SLO search: its best step, or its smallest broken step).</param>
    /// <param name="search">The SLO search that produced it, to add a table of its steps; or null.</param>
    /// <returns>Markdown text.</returns>
    public static string Render(LoadRunResult result, SloSearchResult? search = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var s = search?.FinalSummary() ?? result.Summary;
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;

        sb.AppendLine(ci, $"# Load test report — run `{s.RunId}`");
        sb.AppendLine();
        sb.AppendLine(ci, $"Started {result.StartedAt:yyyy-MM-dd HH:mm:ss} UTC.{(s.Cancelled ? " **Stopped early.**" : "")}");
        sb.AppendLine();

        sb.AppendLine("## Parameters");
        sb.AppendLine();
        sb.AppendLine("| parameter | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(ci, $"| gateway URLs (round-robin) | {string.Join(", ", o.Urls.Select(u => $"`{u}`"))} |");
        sb.AppendLine(ci, $"| rooms × players | {o.Rooms} × {o.PlayersPerRoom} = {o.TotalBots} bots |");
        sb.AppendLine(ci, $"| measured duration | {o.Duration.TotalSeconds:0.###} s (after warm-up {o.Warmup.TotalSeconds:0.###} s) |");
        sb.AppendLine(ci, $"| ramp-up | {o.RampPerSecond:0.###} bots/s |");
        sb.AppendLine(ci, $"| room kind | {o.Kind.WireName()}{(o.Kind.JoinMax(o.PlayersPerRoom) is { } max ? $" (join with max {max})" : "")}; " +
            $"{(o.Kind.Ticks() ? $"ticks at {o.Kind.TickHz()} Hz" : "does not tick (no maps)")} |");
        sb.AppendLine(ci, $"| {(o.Kind switch { RoomKind.Relay => "relays", RoomKind.Board => "draw strokes", _ => "inputs" })} | {o.SendRateHz} Hz per bot; " +
            $"{o.Kind switch { RoomKind.Relay => "to every other player, data {seq, t}", RoomKind.Board => "2–4 points each, own stroke timed on its way back", _ => "direction changes every 1 s, attack every 2 s" }} |");
        sb.AppendLine(ci, $"| encoding | {s.Encoding} |");
        sb.AppendLine(ci, $"| room ids | `{LoadRun.RoomId(s.RunId, 0)}` … `{LoadRun.RoomId(s.RunId, o.Rooms - 1)}` |");
        sb.AppendLine();

        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.AppendLine("| figure | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(ci, $"| CCU (seated at the end / started) | {s.Ccu} / {s.TargetCcu} |");
        sb.AppendLine(ci, $"| {s.Kind.LatencyLabel()} latency p50 / p90 / p99 / max | {s.P50Ms:0.###} / {s.P90Ms:0.###} / {s.P99Ms:0.###} / {s.MaxMs:0.###} ms |");
        sb.AppendLine(ci, $"| latency samples | {s.LatencySamples} |");
        sb.AppendLine(ci, $"| snapshots per bot per second (mean / lowest bot) | {s.SnapshotsPerBotPerSecond:0.###} / {s.SnapshotsMinBotPerSecond:0.###} |");
        sb.AppendLine(ci, $"| join latency p99 | {s.JoinP99Ms:0.###} ms |");
        sb.AppendLine(ci, $"| errors | {s.Errors}{(s.ErrorsByCode.Count == 0 ? "" : " (" + string.Join(", ", s.ErrorsByCode.Select(p => $"{p.Key}: {p.Value}")) + ")")} |");
        sb.AppendLine(ci, $"| disconnects | {s.Disconnects} |");
        sb.AppendLine(ci, $"| longest gap between two maps in the window (worst bot / median bot / p99 of bots) | {s.GapMaxMs:0.###} / {s.GapP50Ms:0.###} / {s.GapP99Ms:0.###} ms |");
        sb.AppendLine(ci, $"| bots whose ack went backwards (acknowledged input lost) | {s.AckRegressions} |");
        sb.AppendLine(ci, $"| connect / join failures | {s.ConnectFailures} / {s.JoinFailures} |");
        sb.AppendLine(ci, $"| inputs per bot per second (window) | {s.InputsPerBotPerSecond:0.##} of {o.SendRateHz} |");
        sb.AppendLine(ci, $"| inputs sent / skipped | {s.InputsSent} / {s.InputsSkipped} |");
        sb.AppendLine(ci, $"| tester CPU during the window | {s.TesterCpuPercent:0.#} % of one core ({Environment.ProcessorCount} cores here) |");
        var snapshotCriterion = s.Kind.Ticks()
            ? string.Create(ci, $"≥ {SloCriteria.Default.MinSnapshotsPerSecondFor(s.Kind):0.##} snapshots/s every bot, ")
            : "";
        sb.AppendLine(ci, $"| SLO held ({snapshotCriterion}p99 ≤ {SloCriteria.Default.MaxP99Ms} ms{(s.Kind.Ticks() ? "" : "; no snapshot criterion: the kind does not tick")}) | {(s.SloHeld ? "yes" : "no")} |");
        sb.AppendLine();

        if (s.Silos.Count > 0)
        {
            AppendSilos(sb, s, o.ClusterUrl);
        }
        if (result.Summary.Chaos is { } chaos)
        {
            ChaosText.AppendMarkdown(sb, chaos);
        }

        AppendLongestGaps(sb, result.Bots);

        sb.AppendLine(ci, $"## {char.ToUpperInvariant(s.Kind.LatencyLabel()[0])}{s.Kind.LatencyLabel()[1..]} latency histogram");
        sb.AppendLine();
        AppendHistogram(sb, result.InputLatency);
        sb.AppendLine();

        if (search is not null)
        {
            AppendSearch(sb, search);
        }

        var failed = result.Bots.Where(b => b.FailureReason is not null).GroupBy(b => b.FailureReason!).OrderByDescending(g => g.Count()).Take(10).ToList();
        if (failed.Count > 0)
        {
            sb.AppendLine("## Bot failures");
            sb.AppendLine();
            sb.AppendLine("| reason | bots |");
            sb.AppendLine("|---|---|");
            foreach (var g in failed)
            {
                sb.AppendLine(ci, $"| {g.Key.Replace("|", "\\|", StringComparison.Ordinal)} | {g.Count()} |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static void AppendHistogram(StringBuilder sb, LatencyHistogram histogram)
    {
        var ci = CultureInfo.InvariantCulture;
        var total = histogram.TotalCount;
        if (total == 0)
        {
            sb.AppendLine("No latency samples.");
            return;
        }
        var bins = new List<(string Label, long Count)>();
        for (var i = 0; i < EdgesMs.Length; i++)
        {
            var from = (long)(EdgesMs[i] * 1000);
            var to = i + 1 < EdgesMs.Length ? (long)(EdgesMs[i + 1] * 1000) : long.MaxValue;
            var label = i + 1 < EdgesMs.Length
                ? string.Create(ci, $"{EdgesMs[i],6:0.#} – {EdgesMs[i + 1],-6:0.#} ms")
                : string.Format(ci, "{0,-15} ms", "≥ " + EdgesMs[i].ToString("0.#", ci));
            bins.Add((label, histogram.CountBetween(from, to)));
        }
        var top = bins.Max(b => b.Count);
        sb.AppendLine("```text");
        foreach (var (label, count) in bins)
        {
            var width = top == 0 ? 0 : (int)Math.Round(count * (double)BarWidth / top);
            if (width == 0 && count > 0)
            {
                width = 1;
            }
            sb.AppendLine(ci, $"{label} | {new string('█', width),-BarWidth} {count,9} {count * 100.0 / total,6:0.00} %");
        }
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine(ci, $"Percentiles: p50 {histogram.GetPercentileMilliseconds(50):0.###} ms, p90 {histogram.GetPercentileMilliseconds(90):0.###} ms, " +
            $"p99 {histogram.GetPercentileMilliseconds(99):0.###} ms, p99.9 {histogram.GetPercentileMilliseconds(99.9):0.###} ms, max {histogram.GetPercentileMilliseconds(100):0.###} ms " +
            $"(HdrHistogram, 3 significant digits: within 0.1 %).");
    }

    /// <summary>Rooms in the report's table of longest gaps between maps.</summary>
    private const int GapRooms = 25;

    /// <summary>
    /// The rooms whose bots saw the longest gaps between maps (longest first): a room that stopped, failed over or moved
    /// shows here with its pause, while <see cref="LoadSummary.GapMaxMs"/> gives only the worst one.
    /// </summary>
    private static void AppendLongestGaps(StringBuilder sb, IReadOnlyList<BotResult> bots)
    {
        var rooms = bots.Where(b => b.LongestGapMs is not null).GroupBy(b => b.Room)
            .Select(g => (Room: g.Key, Bots: g.Count(), Max: g.Max(b => b.LongestGapMs!.Value), Min: g.Min(b => b.LongestGapMs!.Value),
                Regressions: g.Count(b => b.AckRegressions > 0)))
            .OrderByDescending(r => r.Max).ThenBy(r => r.Room, StringComparer.Ordinal).ToList();
        if (rooms.Count == 0)
        {
            return;
        }
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine("## Longest gaps between maps, by room");
        sb.AppendLine();
        sb.AppendLine(ci, $"Per room, its bots' longest gap between two consecutive maps in the window (the pause its players saw); " +
            $"the {Math.Min(GapRooms, rooms.Count)} longest of {rooms.Count} room(s).");
        sb.AppendLine();
        sb.AppendLine("| room | bots | longest gap ms (worst bot) | longest gap ms (best bot) | bots whose ack went backwards |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in rooms.Take(GapRooms))
        {
            sb.AppendLine(ci, $"| `{Cell(r.Room)}` | {r.Bots} | {r.Max:0.#} | {r.Min:0.#} | {r.Regressions} |");
        }
        sb.AppendLine();
    }

    private static void AppendSilos(StringBuilder sb, LoadSummary s, Uri? clusterUrl)
    {
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine("## Per silo");
        sb.AppendLine();
        sb.AppendLine(ci, $"Sampled {s.ClusterSamples} time(s) from {(clusterUrl is null ? "the gateway's /cluster" : $"`{clusterUrl}`")} during the window" +
            $"{(s.ClusterSampleFailures > 0 ? $" ({s.ClusterSampleFailures} sample(s) failed)" : "")}. Status, rooms, players and tick p99 are the last sample's; " +
            $"tick late p99 is the highest of the samples' (how late the silo's last ticks started after they were due); " +
            $"CPU is the silo process's, % of one core, the mean of the samples (each over the silo's last heartbeat period).");
        sb.AppendLine();
        sb.AppendLine("| silo | address | status | rooms | players | tick p99 ms | tick late p99 ms (worst sample) | CPU % | samples |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var silo in s.Silos)
        {
            sb.AppendLine(ci, $"| {Cell(silo.Name)} | `{silo.Address}` | {Cell(silo.Status)} | {silo.Rooms} | {silo.Players} | " +
                $"{(silo.TickP99Ms is { } tick ? tick.ToString("0.###", ci) : "—")} | {(silo.TickLateP99MsMax is { } late ? late.ToString("0.###", ci) : "—")} | " +
                $"{(silo.CpuPercent is { } cpu ? cpu.ToString("0.#", ci) : "—")} | {silo.Samples} |");
        }
        sb.AppendLine();
    }

    /// <summary>One step's silos in one table cell: <c>name: rooms r, cpu %</c> per silo.</summary>
    private static string SilosCell(LoadSummary s) => s.Silos.Count == 0 ? "—" : string.Join("; ", s.Silos.Select(silo =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Cell(silo.Label)}: {silo.Rooms} rooms{(silo.CpuPercent is { } cpu ? $", {cpu:0} % CPU" : "")}")));

    /// <summary>Text safe inside a Markdown table cell.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static void AppendSearch(StringBuilder sb, SloSearchResult search)
    {
        var ci = CultureInfo.InvariantCulture;
        sb.AppendLine("## SLO capacity search");
        sb.AppendLine();
        sb.AppendLine(ci, $"SLO: every bot ≥ {search.Criteria.MinSnapshotsPerSecond} snapshots/s and input→ack p99 ≤ {search.Criteria.MaxP99Ms} ms. " +
            $"Strategy: grow rooms geometrically while the SLO holds, then bisect between the last held and the first broken room count; a room count that broke is re-run (marked \"re-run\") and counts as broken only if every run broke.");
        sb.AppendLine();
        sb.AppendLine(ci, $"**Last CCU that held: {search.MaxCcu}**{(search.Best is null ? " (no step held)" : $" ({search.Best.Rooms} rooms)")}" +
            $"{(search.FirstBrokenRooms is { } b ? $"; first broken at {b} rooms" : "; never broke within the maximum")}.");
        sb.AppendLine();
        var silos = search.Steps.Any(step => step.Result.Summary.Silos.Count > 0);
        sb.AppendLine("| step | rooms | CCU | p99 ms | snapshots/s (lowest bot) | inputs/bot/s | errors | disconnects | tester CPU % | held |" + (silos ? " silos (rooms, CPU %) |" : ""));
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|" + (silos ? "---|" : ""));
        foreach (var step in search.Steps)
        {
            var s = step.Result.Summary;
            sb.AppendLine(ci, $"| {step.Number}{(step.Attempt > 1 ? " (re-run)" : "")} | {step.Rooms} | {s.Ccu}/{s.TargetCcu} | {s.P99Ms:0.###} | {s.SnapshotsMinBotPerSecond:0.##} | {s.InputsPerBotPerSecond:0.##} | {s.Errors} | {s.Disconnects} | {s.TesterCpuPercent:0} | {(step.Held ? "yes" : "no")} |{(silos ? $" {SilosCell(s)} |" : "")}");
        }
        sb.AppendLine();
    }
}
