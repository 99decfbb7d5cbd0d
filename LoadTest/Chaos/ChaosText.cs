using System.Globalization;
using System.Text;

namespace Game.LoadTest;

/// <summary>The chaos soak's findings as text: plain lines after a run, and the Markdown report's section.</summary>
internal static class ChaosText
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>One line per kind of fault, then the lobby check and the verdict.</summary>
    public static IEnumerable<string> Lines(ChaosReport chaos)
    {
        foreach (var f in chaos.ByFault)
        {
            yield return string.Create(Ci,
                $"chaos {f.Fault.WireName()} ×{f.Count}: longest gap max {f.GapMaxMs:0.#} ms, p50 {f.GapP50Ms:0.#} ms; " +
                $"one activation {Verdict(f.SingleActivationHeld)} (tick duplicates {f.TickDuplicates}, rewinds > 1 s {f.TickRewindsTooFar}, repeated {f.TickRewindsRepeated}); " +
                $"seats {Verdict(f.SeatsHeld)} (disconnected {f.Disconnects}, resumed {f.Resumed}); " +
                $"acks {Verdict(f.AcksHeld)} (regressions {f.AckRegressions}{(f.Fault == ChaosFault.Stop ? "" : ", allowed after this fault")}); " +
                $"joins {Verdict(f.JoinsHeld)} (probe hello failures {f.HelloFailures}, join failures {f.JoinFailures}; after the heal " +
                $"{f.ProbeRetriesAfterHeal} retried, {f.ProbeFailuresAfterHeal} failed on retry)");
        }
        foreach (var e in chaos.Events.Where(e => e.Error is not null))
        {
            yield return string.Create(Ci, $"chaos {e.Fault.WireName()} at {e.AtSeconds:0.#} s on {e.Target}: {e.Error}");
        }
        foreach (var e in chaos.Events.Where(e => e.Skipped is not null))
        {
            yield return string.Create(Ci, $"chaos {e.Fault.WireName()} at {e.AtSeconds:0.#} s skipped: {e.Skipped}");
        }
        foreach (var x in chaos.SiloExits)
        {
            yield return "chaos " + x.Describe();
        }
        foreach (var line in LobbyLines(chaos.Lobby))
        {
            yield return line;
        }
        yield return $"chaos: {(chaos.Held ? "every invariant held" : "BROKEN")} ({Count(chaos)})";
    }

    /// <summary>How many faults were injected, skipped, and silos exited by themselves.</summary>
    private static string Count(ChaosReport chaos)
    {
        var injected = chaos.Events.Count(e => e.Injected);
        var skipped = chaos.Events.Count - injected;
        var text = skipped == 0 ? $"{injected} fault(s)" : $"{injected} fault(s), {skipped} skipped";
        return chaos.SiloExits.Count == 0 ? text : $"{text}, {chaos.SiloExits.Count} silo exit(s) by themselves";
    }

    /// <summary>The Markdown report's "Chaos soak" section.</summary>
    public static void AppendMarkdown(StringBuilder sb, ChaosReport chaos)
    {
        sb.AppendLine("## Chaos soak");
        sb.AppendLine();
        sb.AppendLine(Ci, $"Verdict: **{(chaos.Held ? "every invariant held" : "broken")}** ({Count(chaos)}). Gaps are each bot's longest gap between maps from the fault to the next one; the load bots do not reconnect, so a disconnect is a lost seat.");
        sb.AppendLine();
        sb.AppendLine("| # | fault | target | at s | healed at s | error or skipped |");
        sb.AppendLine("|---|---|---|---|---|---|");
        var n = 0;
        foreach (var e in chaos.Events)
        {
            var note = e.Error is not null ? e.Error : e.Skipped is not null ? "skipped: " + e.Skipped : "";
            sb.AppendLine(Ci, $"| {++n} | {e.Fault.WireName()} | {Cell(e.Target)} | {e.AtSeconds:0.#} | " +
                $"{(e.HealedAtSeconds is { } h ? h.ToString("0.#", Ci) : "—")} | {Cell(note)} |");
        }
        sb.AppendLine();
        if (chaos.SiloExits.Count > 0)
        {
            sb.AppendLine("Silos that exited by themselves (found by the check before each fault and about once a second in between):");
            sb.AppendLine();
            foreach (var x in chaos.SiloExits)
            {
                sb.AppendLine("- " + x.Describe());
            }
            sb.AppendLine();
        }
        sb.AppendLine("| fault | count | gap max ms | gap p50 ms | probe hello / join failures (after the heal: retried, failed on retry) | one activation | seats | acks |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in chaos.ByFault)
        {
            sb.AppendLine(Ci, $"| {f.Fault.WireName()} | {f.Count} | {f.GapMaxMs:0.#} | {f.GapP50Ms:0.#} | {f.HelloFailures} / {f.JoinFailures} ({f.ProbeRetriesAfterHeal}, {f.ProbeFailuresAfterHeal}) | " +
                $"{Verdict(f.SingleActivationHeld)} (dup {f.TickDuplicates}, rewind > 1 s {f.TickRewindsTooFar}, repeated {f.TickRewindsRepeated}) | " +
                $"{Verdict(f.SeatsHeld)} (lost {f.Disconnects - f.Resumed} of {f.Disconnects} disconnected) | {Verdict(f.AcksHeld)} ({f.AckRegressions} regressions) |");
        }
        sb.AppendLine();
        foreach (var line in LobbyLines(chaos.Lobby))
        {
            sb.AppendLine(line.StartsWith("chaos lobby retry", StringComparison.Ordinal) ? "- " + line : line);
        }
        sb.AppendLine();
    }

    /// <summary>The lobby check's verdict, then one line per failed attempt that was retried or ended the check.</summary>
    private static IEnumerable<string> LobbyLines(ChaosLobbyCheck l)
    {
        var attempts = l.Attempts > 1 ? string.Create(Ci, $" (answered on attempt {l.Attempts})") : "";
        yield return l.Checked
            ? string.Create(Ci, $"chaos lobby {Verdict(l.Held)}{attempts}: {l.ListedRooms} room(s) listed for {l.ExpectedRooms} with bots playing; ghost {l.GhostRooms}, missing {l.MissingRooms}, wrong player counts {l.WrongCounts}")
            : $"chaos lobby not checked: {l.Error}";
        foreach (var retry in l.Retries)
        {
            yield return "chaos lobby retry: " + retry;
        }
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Verdict(bool held) => held ? "held" : "BROKEN";
}
