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
                $"joins {Verdict(f.JoinsHeld)} (probe hello failures {f.HelloFailures}, join failures {f.JoinFailures}, {f.ProbeFailuresAfterHeal} after the heal)");
        }
        foreach (var e in chaos.Events.Where(e => e.Error is not null))
        {
            yield return string.Create(Ci, $"chaos {e.Fault.WireName()} at {e.AtSeconds:0.#} s on {e.Target}: {e.Error}");
        }
        yield return LobbyLine(chaos.Lobby);
        yield return $"chaos: {(chaos.Held ? "every invariant held" : "BROKEN")} ({chaos.Events.Count} fault(s))";
    }

    /// <summary>The Markdown report's "Chaos soak" section.</summary>
    public static void AppendMarkdown(StringBuilder sb, ChaosReport chaos)
    {
        sb.AppendLine("## Chaos soak");
        sb.AppendLine();
        sb.AppendLine(Ci, $"Verdict: **{(chaos.Held ? "every invariant held" : "broken")}**. Gaps are each bot's longest gap between maps from the fault to the next one; the load bots do not reconnect, so a disconnect is a lost seat.");
        sb.AppendLine();
        sb.AppendLine("| # | fault | target | at s | healed at s | error |");
        sb.AppendLine("|---|---|---|---|---|---|");
        var n = 0;
        foreach (var e in chaos.Events)
        {
            sb.AppendLine(Ci, $"| {++n} | {e.Fault.WireName()} | {e.Target.Replace("|", "\\|", StringComparison.Ordinal)} | {e.AtSeconds:0.#} | " +
                $"{(e.HealedAtSeconds is { } h ? h.ToString("0.#", Ci) : "—")} | {e.Error?.Replace("|", "\\|", StringComparison.Ordinal) ?? ""} |");
        }
        sb.AppendLine();
        sb.AppendLine("| fault | count | gap max ms | gap p50 ms | probe hello / join failures (after the heal) | one activation | seats | acks |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in chaos.ByFault)
        {
            sb.AppendLine(Ci, $"| {f.Fault.WireName()} | {f.Count} | {f.GapMaxMs:0.#} | {f.GapP50Ms:0.#} | {f.HelloFailures} / {f.JoinFailures} ({f.ProbeFailuresAfterHeal}) | " +
                $"{Verdict(f.SingleActivationHeld)} (dup {f.TickDuplicates}, rewind > 1 s {f.TickRewindsTooFar}, repeated {f.TickRewindsRepeated}) | " +
                $"{Verdict(f.SeatsHeld)} (lost {f.Disconnects - f.Resumed} of {f.Disconnects} disconnected) | {Verdict(f.AcksHeld)} ({f.AckRegressions} regressions) |");
        }
        sb.AppendLine();
        sb.AppendLine(LobbyLine(chaos.Lobby));
        sb.AppendLine();
    }

    private static string LobbyLine(ChaosLobbyCheck l) => l.Checked
        ? string.Create(Ci, $"chaos lobby {Verdict(l.Held)}: {l.ListedRooms} room(s) listed for {l.ExpectedRooms} with bots playing; ghost {l.GhostRooms}, missing {l.MissingRooms}, wrong player counts {l.WrongCounts}")
        : $"chaos lobby not checked: {l.Error}";

    private static string Verdict(bool held) => held ? "held" : "BROKEN";
}
