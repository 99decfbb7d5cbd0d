namespace Game.LoadTest;

/// <summary>
/// A chaos soak (<c>--chaos</c>): while the load runs, faults are injected round robin into the given silo processes
/// and invariants are checked from the players' side (<see cref="ChaosLedger"/>). Signals are Linux (POSIX) only.
/// </summary>
public sealed record ChaosOptions
{
    /// <summary>Silo process ids to inject faults into (<c>--chaos-pid</c>); they are never restarted by the tester.</summary>
    public IReadOnlyList<int> Pids { get; init; } = [];

    /// <summary>Command lines that start a silo (<c>--chaos-cmd</c>, run with <c>/bin/sh -c "exec …"</c>); the tester starts them
    /// before the bots, restarts them after a kill or stop and whenever it finds one exited by itself (e.g. after a freeze:
    /// declared dead, it stops itself), and stops them at the end.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>The faults to inject, in round-robin order (<c>--chaos-faults</c>).</summary>
    /// <value>Default kill, freeze, stop.</value>
    public IReadOnlyList<ChaosFault> Faults { get; init; } = [ChaosFault.Kill, ChaosFault.Freeze, ChaosFault.Stop];

    /// <summary>Time between two faults (<c>--chaos-interval</c>); the first fault comes one interval after the window opens.</summary>
    /// <value>Default 60 s.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a frozen silo stays stopped before SIGCONT (<c>--freeze-seconds</c>).</summary>
    /// <value>Default 12 s.</value>
    public TimeSpan FreezeDuration { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>A PostgreSQL outage this long is one more fault in the rotation (<c>--pg-outage-seconds</c>); zero for none.</summary>
    /// <value>Default zero.</value>
    public TimeSpan PgOutage { get; init; } = TimeSpan.Zero;

    /// <summary>The command that stops PostgreSQL (<c>--pg-stop-cmd</c>, e.g. <c>pg_ctlcluster 15 main stop</c>).</summary>
    public string? PgStopCommand { get; init; }

    /// <summary>The command that starts PostgreSQL again (<c>--pg-start-cmd</c>).</summary>
    public string? PgStartCommand { get; init; }

    /// <summary>How long the silos started from <see cref="Commands"/> get before the bots connect (<c>--chaos-startup-seconds</c>).</summary>
    /// <value>Default 15 s.</value>
    public TimeSpan StartupWait { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long after a fault healed (SIGCONT sent, silo restarted, PostgreSQL started) the players get before the next
    /// fault, and before the final lobby check.</summary>
    /// <value>Default 10 s.</value>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the output of silos started from <see cref="Commands"/> goes (one <c>chaos-silo-&lt;n&gt;.log</c> each).</summary>
    /// <value>Default the temp directory.</value>
    public string LogDirectory { get; init; } = Path.GetTempPath();

    /// <summary>Called with each thing the chaos loop does or finds as it happens (a fault injected or healed, a silo found
    /// exited and restarted, a probe or lobby check retried), one line without a newline; the command line writes them to
    /// stderr. Called from the chaos loop; exceptions it throws are not caught.</summary>
    /// <value>Default null: not logged (the report still has every fault, exit and retry).</value>
    public Action<string>? Log { get; init; }

    /// <summary>Every fault of the rotation: <see cref="Faults"/>, then a PostgreSQL outage when <see cref="PgOutage"/> is set.</summary>
    public IReadOnlyList<ChaosFault> Rotation => PgOutage > TimeSpan.Zero ? [.. Faults, ChaosFault.PgOutage] : Faults;

    /// <summary>Checks every option against the run's <paramref name="duration"/>.</summary>
    /// <param name="duration">The measurement window the faults must fit in.</param>
    /// <returns>One message per problem; empty when valid.</returns>
    public IReadOnlyList<string> Validate(TimeSpan duration)
    {
        var errors = new List<string>();
        if (!OperatingSystem.IsLinux())
        {
            errors.Add("--chaos sends POSIX signals (kill -STOP/-CONT/-TERM/-KILL) and runs on Linux only");
        }
        if (Pids.Count == 0 && Commands.Count == 0)
        {
            errors.Add("--chaos needs at least one --chaos-pid or --chaos-cmd");
        }
        foreach (var pid in Pids)
        {
            if (pid <= 1)
            {
                errors.Add($"--chaos-pid {pid} is not a process id one may signal");
            }
            else if (pid == Environment.ProcessId)
            {
                errors.Add($"--chaos-pid {pid} is the load tester itself");
            }
        }
        if (Pids.Distinct().Count() != Pids.Count)
        {
            errors.Add("--chaos-pid: a process id is given twice");
        }
        if (Commands.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("--chaos-cmd needs a command line");
        }
        if (Faults.Count == 0)
        {
            errors.Add("--chaos-faults needs at least one of kill, freeze, stop");
        }
        if (Faults.Contains(ChaosFault.PgOutage))
        {
            errors.Add("--chaos-faults: a PostgreSQL outage is asked with --pg-outage-seconds");
        }
        if (Interval <= TimeSpan.Zero)
        {
            errors.Add($"--chaos-interval must be more than zero (got {Interval.TotalSeconds} s)");
        }
        if (FreezeDuration <= TimeSpan.Zero)
        {
            errors.Add($"--freeze-seconds must be more than zero (got {FreezeDuration.TotalSeconds} s)");
        }
        else if (Faults.Contains(ChaosFault.Freeze) && FreezeDuration >= Interval)
        {
            errors.Add($"--freeze-seconds ({FreezeDuration.TotalSeconds}) must be shorter than --chaos-interval ({Interval.TotalSeconds})");
        }
        if (PgOutage < TimeSpan.Zero)
        {
            errors.Add("--pg-outage-seconds must not be negative");
        }
        if (PgOutage > TimeSpan.Zero && (string.IsNullOrWhiteSpace(PgStopCommand) || string.IsNullOrWhiteSpace(PgStartCommand)))
        {
            errors.Add("--pg-outage-seconds needs both --pg-stop-cmd and --pg-start-cmd");
        }
        if (PgOutage == TimeSpan.Zero && (PgStopCommand is not null || PgStartCommand is not null))
        {
            errors.Add("--pg-stop-cmd and --pg-start-cmd go with --pg-outage-seconds N (N > 0)");
        }
        if (PgOutage > TimeSpan.Zero && PgOutage >= Interval)
        {
            errors.Add($"--pg-outage-seconds ({PgOutage.TotalSeconds}) must be shorter than --chaos-interval ({Interval.TotalSeconds})");
        }
        if (StartupWait < TimeSpan.Zero || Settle < TimeSpan.Zero)
        {
            errors.Add("the chaos startup wait and settle time must not be negative");
        }
        if (Interval > TimeSpan.Zero && duration < Interval + Settle)
        {
            errors.Add($"--duration ({duration.TotalSeconds} s) leaves no room for a fault: it must be at least --chaos-interval + {Settle.TotalSeconds} s " +
                $"({(Interval + Settle).TotalSeconds} s)");
        }
        return errors;
    }

    /// <summary>When fault <paramref name="n"/> (from 0) is injected, from the window's start.</summary>
    /// <param name="n">The fault's number.</param>
    /// <returns>(n + 1) × <see cref="Interval"/>.</returns>
    public TimeSpan FaultAt(int n) => Interval * (n + 1);

    /// <summary>How many faults fit in a window of <paramref name="duration"/>: each one interval apart, the last one followed
    /// by its heal time and <see cref="Settle"/> before the window ends (for the final lobby check).</summary>
    /// <param name="duration">The measurement window.</param>
    /// <returns>The number of faults (0 when none fits).</returns>
    public int FaultCount(TimeSpan duration)
    {
        if (Interval <= TimeSpan.Zero)
        {
            return 0;
        }
        var rotation = Rotation;
        var n = 0;
        while (n < 100_000 && FaultAt(n) + HealTime(rotation[n % rotation.Count]) + Settle <= duration)
        {
            n++;
        }
        return n;
    }

    /// <summary>How long a fault lasts before it heals (the silo's restart itself is not counted).</summary>
    /// <param name="fault">The fault.</param>
    /// <returns>The freeze or outage length; zero for kill and stop.</returns>
    public TimeSpan HealTime(ChaosFault fault) => fault switch
    {
        ChaosFault.Freeze => FreezeDuration,
        ChaosFault.PgOutage => PgOutage,
        _ => TimeSpan.Zero,
    };
}
