namespace Game.LoadTest;

/// <summary>One fault the chaos soak injected.</summary>
/// <param name="Fault">What it was.</param>
/// <param name="Target">The silo (<c>pid 1234</c>, <c>cmd 2 (pid 1234)</c>) or <c>postgresql</c>.</param>
/// <param name="AtSeconds">When, seconds from the window's start.</param>
/// <param name="HealedAtSeconds">When it healed (SIGCONT sent, restarted, PostgreSQL started), or null when it did not (a
/// process given by pid is not restarted).</param>
/// <param name="Error">Why injecting or healing failed, or null.</param>
public sealed record ChaosFaultEvent(ChaosFault Fault, string Target, double AtSeconds, double? HealedAtSeconds, string? Error)
{
    /// <summary>Why the fault was not injected (no live silo to inject into), or null when it was. A skipped fault opens no
    /// window and breaks no invariant, but it is reported, and a run whose every fault was skipped does not hold.</summary>
    public string? Skipped { get; init; }

    /// <summary>Whether the fault was injected (not <see cref="Skipped"/>).</summary>
    public bool Injected => Skipped is null;
}

/// <summary>A silo process that exited without the tester killing or stopping it, found by the tester's check before
/// each fault and about once a second while it waits, and what the tester did about it.</summary>
/// <param name="Target">The silo (<c>cmd 2</c>, <c>pid 4242</c>).</param>
/// <param name="Pid">The process that exited.</param>
/// <param name="AtSeconds">When the exit was noticed, seconds from the window's start (up to about a second after it).</param>
/// <param name="ExitCode">Its exit code when the tester started it, otherwise null.</param>
/// <param name="AfterFreeze">Whether the last fault injected into that process was a freeze: on waking it reads that the
/// cluster declared it dead and stops itself, which is correct. Any other exit is unexpected (a crash).</param>
/// <param name="DuringStartup">Whether it exited within the startup wait of its restart (it may never have joined).</param>
public sealed record ChaosSiloExit(string Target, int Pid, double AtSeconds, int? ExitCode, bool AfterFreeze, bool DuringStartup)
{
    /// <summary>The new process started from the silo's command, or null when it was not restarted.</summary>
    public int? RestartedPid { get; init; }

    /// <summary>Why the tester did not restart it (given by pid, or it kept exiting during startup), or null.</summary>
    public string? NotRestartedBecause { get; init; }

    /// <summary>Why the restart failed (its command could not be started), or null.</summary>
    public string? RestartError { get; init; }

    /// <summary>Whether the exit is as it should be: after a freeze, and restarted unless it was given by pid. An unexpected
    /// exit (a silo that crashed) breaks the run's verdict.</summary>
    public bool Held => AfterFreeze && RestartError is null && (RestartedPid is not null || Target.StartsWith("pid ", StringComparison.Ordinal));

    /// <summary>One line for the report: <c>silo cmd 2 (pid 1234) exited by itself after the freeze (exit code 0) at 141.2 s; restarted as pid 5678</c>.</summary>
    /// <returns>The line.</returns>
    public string Describe()
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        var name = Target.StartsWith("pid ", StringComparison.Ordinal) ? Target : string.Create(ci, $"{Target} (pid {Pid})");
        var why = AfterFreeze ? "after the freeze" : DuringStartup ? "during its startup, UNEXPECTED" : "UNEXPECTED (not after a freeze)";
        var code = ExitCode is { } c ? string.Create(ci, $", exit code {c}") : "";
        var then = RestartedPid is { } pid ? string.Create(ci, $"restarted as pid {pid}")
            : RestartError is { } error ? "restart FAILED: " + error
            : "not restarted: " + (NotRestartedBecause ?? "unknown");
        return string.Create(ci, $"silo {name} exited by itself {why} ({AtSeconds:0.#} s{code}); {then}");
    }
}

/// <summary>The players' view of every fault of one kind, and the verdict of each invariant.</summary>
/// <param name="Fault">The kind of fault.</param>
/// <param name="Count">How many were injected.</param>
/// <param name="GapMaxMs">The longest of the bots' longest gaps between <c>map</c>s after such a fault (until the next fault), ms.</param>
/// <param name="GapP50Ms">The median of those per-bot longest gaps (nearest rank), ms.</param>
/// <param name="Disconnects">Seated bots whose connection was lost after such a fault.</param>
/// <param name="Resumed">Of those, bots that got their seat back (the load bots do not reconnect: always 0, so every
/// disconnect is a lost seat).</param>
/// <param name="HelloFailures">Probe attempts (one while the fault lasts, one after it healed and, when that one failed, its
/// retry) that got no <c>welcome</c>.</param>
/// <param name="JoinFailures">Probe attempts greeted but not seated in a fresh room.</param>
/// <param name="TickDuplicates">A bot's <c>map</c> whose tick is not above its previous <c>map</c>'s and that came in
/// stride (under 250 ms after it): two activations ticking.</param>
/// <param name="TickRewindsTooFar">A tick going back after a pause (a resume) by more than one second's worth of ticks (a
/// resume from the last checkpoint is at most 1 s old).</param>
/// <param name="TickRewindsRepeated">A bot's second and later tick rewinds after one fault: two activations interleaving.</param>
/// <param name="AckRegressions">A bot's ack going lower than its previous <c>map</c>'s (acknowledged inputs lost).</param>
public sealed record ChaosFaultSummary(
    ChaosFault Fault,
    int Count,
    double GapMaxMs,
    double GapP50Ms,
    long Disconnects,
    long Resumed,
    long HelloFailures,
    long JoinFailures,
    long TickDuplicates,
    long TickRewindsTooFar,
    long TickRewindsRepeated,
    long AckRegressions)
{
    /// <summary>One ticking activation per room: no tick seen twice in a row, no rewind over 1 s, no repeated rewinds.</summary>
    public bool SingleActivationHeld => TickDuplicates == 0 && TickRewindsTooFar == 0 && TickRewindsRepeated == 0;

    /// <summary>Every bot kept or regained its seat.</summary>
    public bool SeatsHeld => Disconnects == Resumed;

    /// <summary>No acknowledged input lost: required after a graceful <see cref="ChaosFault.Stop"/>; after other faults a
    /// resume from the last checkpoint may lose up to 1 s, so they always hold (the count is still reported).</summary>
    public bool AcksHeld => Fault != ChaosFault.Stop || AckRegressions == 0;

    /// <summary>Probes after the fault healed and settled that failed, and failed again when retried once a second later
    /// (the other failures counted in <see cref="HelloFailures"/> and <see cref="JoinFailures"/> came while the fault
    /// lasted, e.g. a join into a frozen silo, or were retried with success, and are reported only).</summary>
    public long ProbeFailuresAfterHeal { get; init; }

    /// <summary>Probes after the fault healed and settled whose first attempt failed (counted in <see cref="HelloFailures"/>
    /// or <see cref="JoinFailures"/>) and that were retried once a second later; those whose retry failed too are in
    /// <see cref="ProbeFailuresAfterHeal"/>.</summary>
    public long ProbeRetriesAfterHeal { get; init; }

    /// <summary>Fresh players could connect and join once the fault had healed.</summary>
    public bool JoinsHeld => ProbeFailuresAfterHeal == 0;
}

/// <summary>The lobby check after the last fault healed: <c>rooms</c> lists exactly the bots' rooms with their players.</summary>
/// <param name="Checked">Whether the lobby answered (false: <see cref="Error"/> says why).</param>
/// <param name="ExpectedRooms">Rooms of the run with at least one bot still playing.</param>
/// <param name="ListedRooms">Rooms of the run the lobby listed.</param>
/// <param name="GhostRooms">Rooms listed without a playing bot.</param>
/// <param name="MissingRooms">Rooms with playing bots that were not listed.</param>
/// <param name="WrongCounts">Rooms listed with another player count than the bots playing in it (ghost or lost seats).</param>
/// <param name="Error">Why the check could not be made, or null.</param>
public sealed record ChaosLobbyCheck(bool Checked, int ExpectedRooms, int ListedRooms, int GhostRooms, int MissingRooms, int WrongCounts, string? Error = null)
{
    /// <summary>How many times the lobby was asked (a refused <c>hello</c>, a failed connection or no <c>rooms</c> answer is
    /// retried a second later, for up to 20 s); 0 when it was never asked.</summary>
    public int Attempts { get; init; }

    /// <summary>Why each failed attempt failed, in order (<c>attempt 1 at 551.3 s: hello refused (unavailable)</c>).</summary>
    public IReadOnlyList<string> Retries { get; init; } = [];

    /// <summary>Whether the invariant held: checked, and no ghost, missing or miscounted room.</summary>
    public bool Held => Checked && GhostRooms == 0 && MissingRooms == 0 && WrongCounts == 0;

    /// <summary>Not checked (e.g. the run was cancelled or had no fault).</summary>
    /// <param name="why">The reason.</param>
    /// <returns>The check.</returns>
    public static ChaosLobbyCheck NotChecked(string why) => new(false, 0, 0, 0, 0, 0, why);

    /// <summary>Compares the lobby's list with the bots' rooms.</summary>
    /// <param name="expected">Players per room of the run, counting only bots still playing (rooms with none left out).</param>
    /// <param name="listed">The lobby's rooms of the run (other rooms left out) and their player counts.</param>
    /// <returns>The verdict.</returns>
    public static ChaosLobbyCheck Compare(IReadOnlyDictionary<string, int> expected, IReadOnlyDictionary<string, int> listed)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(listed);
        var want = expected.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var got = listed.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var ghosts = got.Keys.Count(k => !want.ContainsKey(k));
        var missing = want.Keys.Count(k => !got.ContainsKey(k));
        var wrong = want.Count(p => got.TryGetValue(p.Key, out var n) && n != p.Value);
        return new ChaosLobbyCheck(true, want.Count, got.Count, ghosts, missing, wrong);
    }
}

/// <summary>What a chaos soak found (<c>chaos</c> in the summary JSON).</summary>
/// <param name="Events">Every fault injected, in order.</param>
/// <param name="ByFault">Per kind of fault, in <see cref="ChaosOptions.Rotation"/> order (kinds never injected left out).</param>
/// <param name="Lobby">The final lobby check.</param>
public sealed record ChaosReport(IReadOnlyList<ChaosFaultEvent> Events, IReadOnlyList<ChaosFaultSummary> ByFault, ChaosLobbyCheck Lobby)
{
    /// <summary>Silo processes that exited without the tester stopping them, in order, and whether each was restarted.</summary>
    public IReadOnlyList<ChaosSiloExit> SiloExits { get; init; } = [];

    /// <summary>Every invariant held: at least one fault was injected, none failed to inject or heal, every silo that exited
    /// by itself did so after a freeze and was restarted, and the per-fault invariants and the lobby check held. Skipped
    /// faults do not break it (they are reported).</summary>
    public bool Held => Events.Any(e => e.Injected) && Events.All(e => e.Error is null) && SiloExits.All(x => x.Held)
        && ByFault.All(f => f.SingleActivationHeld && f.SeatsHeld && f.AcksHeld && f.JoinsHeld) && Lobby.Held;
}
