using System.Globalization;

namespace Game.LoadTest;

/// <summary>One silo the chaos soak manages, given by pid (<c>--chaos-pid</c>) or started from a command (<c>--chaos-cmd</c>).
/// Only the bookkeeping: the processes themselves belong to <see cref="ChaosMonkey"/>.</summary>
/// <param name="name">How reports name it: <c>pid 4242</c> or <c>cmd 2</c>.</param>
/// <param name="command">The command that starts it, or null for a process given by pid (never restarted).</param>
internal sealed class ChaosSilo(string name, string? command)
{
    /// <summary>How reports name it: <c>pid 4242</c> or <c>cmd 2</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The command that starts it, or null for a process given by pid.</summary>
    public string? Command { get; } = command;

    /// <summary>Whether the tester can start it again (it has a command).</summary>
    public bool CanRestart => Command is not null;

    /// <summary>The current (or last) process id; 0 before the first start.</summary>
    public int Pid { get; set; }

    /// <summary>Whether its process is running, as far as the tester knows.</summary>
    public bool Alive { get; set; }

    /// <summary>When its current process was started by the tester (timestamp), or null for the first start and a
    /// process given by pid (both had the startup wait, or were already running).</summary>
    public long? RestartedAt { get; set; }

    /// <summary>The last fault injected into its current process, or null.</summary>
    public ChaosFault? LastFault { get; set; }

    /// <summary>Exits in a row that came within the startup wait of a restart (a silo that cannot start).</summary>
    public int QuickExits { get; set; }

    /// <summary>Why it left the rotation for good (no process, and none will be started), or null.</summary>
    public string? GoneBecause { get; set; }

    /// <summary>Its name and pid, as in the fault table: <c>cmd 2 (pid 1234)</c>.</summary>
    public string Label => Pid > 0 && !Name.StartsWith("pid ", StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"{Name} (pid {Pid})")
        : Name;
}

/// <summary>What the tester does when it finds that a silo's process has exited without the tester stopping it.</summary>
/// <param name="Exit">The report's record of the exit (without the new pid: the caller adds it once restarted).</param>
/// <param name="Restart">Whether to start it again from its command now.</param>
internal readonly record struct ChaosExitDecision(ChaosSiloExit Exit, bool Restart);

/// <summary>
/// The chaos soak's silos and their round robin: which one the next fault goes to, and what to do when one has exited
/// (after a freeze the silo finds it was declared dead and stops itself; a silo may also crash). Pure bookkeeping, no
/// processes, so that it can be tested.
/// </summary>
/// <remarks>A silo whose current process the tester restarted less than the startup wait ago is <em>starting</em> (it may
/// not have joined the cluster yet): the next fault goes to the next live silo that is not starting, and to a starting
/// one only when every live silo is starting. A silo that exits <see cref="MaxQuickExits"/> times in a row within the
/// startup wait of its restart is not restarted again.</remarks>
internal sealed class ChaosSiloRoster
{
    /// <summary>Exits in a row within the startup wait after which a silo is given up.</summary>
    public const int MaxQuickExits = 3;

    private readonly List<ChaosSilo> _silos;
    private readonly long _startupWait;
    private int _next;

    /// <summary>Creates the roster.</summary>
    /// <param name="silos">The silos, in round-robin order.</param>
    /// <param name="startupWait">How long a restarted silo counts as starting.</param>
    /// <param name="timestampFrequency">Ticks per second of the timestamps passed in.</param>
    public ChaosSiloRoster(IEnumerable<ChaosSilo> silos, TimeSpan startupWait, long timestampFrequency)
    {
        _silos = [.. silos];
        _startupWait = (long)(startupWait.TotalSeconds * timestampFrequency);
    }

    /// <summary>The silos, in round-robin order.</summary>
    public IReadOnlyList<ChaosSilo> Silos => _silos;

    /// <summary>Whether the silo's current process was restarted less than the startup wait before <paramref name="now"/>.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="now">Timestamp.</param>
    /// <returns>True while it may still be joining the cluster.</returns>
    public bool IsStarting(ChaosSilo silo, long now) => silo.RestartedAt is { } at && now - at < _startupWait;

    /// <summary>The silo the next fault goes to, round robin over the live silos, preferring those not starting.</summary>
    /// <param name="now">Timestamp.</param>
    /// <returns>The silo, or null and why the fault must be skipped.</returns>
    public (ChaosSilo? Silo, string? SkipReason) Pick(long now)
    {
        ChaosSilo? starting = null;
        var startingAt = -1;
        for (var i = 0; i < _silos.Count; i++)
        {
            var index = (_next + i) % _silos.Count;
            var silo = _silos[index];
            if (!silo.Alive || silo.GoneBecause is not null)
            {
                continue;
            }
            if (!IsStarting(silo, now))
            {
                _next = (index + 1) % _silos.Count;
                return (silo, null);
            }
            if (starting is null)
            {
                starting = silo;
                startingAt = index;
            }
        }
        if (starting is not null)
        {
            _next = (startingAt + 1) % _silos.Count;
            return (starting, null);
        }
        var why = _silos.Select(s => s.GoneBecause is { } gone ? $"{s.Name}: {gone}" : $"{s.Name}: not running");
        return (null, "no live silo to inject into (" + string.Join("; ", why) + ")");
    }

    /// <summary>A fault was injected into the silo's current process.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="fault">The fault.</param>
    public static void OnInjected(ChaosSilo silo, ChaosFault fault) => silo.LastFault = fault;

    /// <summary>The silo's process was started (first start: <paramref name="restartedAt"/> null).</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="pid">The new process id.</param>
    /// <param name="restartedAt">When, for a restart; null for the first start.</param>
    public static void OnStarted(ChaosSilo silo, int pid, long? restartedAt)
    {
        silo.Pid = pid;
        silo.Alive = true;
        silo.RestartedAt = restartedAt;
        silo.LastFault = null;
    }

    /// <summary>The tester killed or stopped the silo itself: restart it when it has a command, otherwise it leaves the rotation.</summary>
    /// <param name="silo">The silo.</param>
    /// <returns>Whether to restart it.</returns>
    public static bool OnStoppedByTester(ChaosSilo silo)
    {
        silo.Alive = false;
        silo.QuickExits = 0;
        if (!silo.CanRestart)
        {
            silo.GoneBecause = "killed or stopped by the tester; given by --chaos-pid, so not restarted";
            return false;
        }
        return true;
    }

    /// <summary>The tester found the silo's process gone without having stopped it.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="exitCode">Its exit code when known (a child of the tester).</param>
    /// <param name="now">Timestamp when the exit was noticed.</param>
    /// <param name="atSeconds">The same, seconds from the window's start.</param>
    /// <returns>The exit's record and whether to restart it now.</returns>
    public ChaosExitDecision OnExited(ChaosSilo silo, int? exitCode, long now, double atSeconds)
    {
        var afterFreeze = silo.LastFault == ChaosFault.Freeze;
        var quick = IsStarting(silo, now);
        silo.QuickExits = quick ? silo.QuickExits + 1 : 0;
        silo.Alive = false;
        string? notRestarted = null;
        if (!silo.CanRestart)
        {
            notRestarted = "given by --chaos-pid: the tester cannot restart it";
        }
        else if (silo.QuickExits >= MaxQuickExits)
        {
            notRestarted = string.Create(CultureInfo.InvariantCulture, $"it exited {silo.QuickExits} times in a row within the startup wait of its restart");
        }
        if (notRestarted is not null)
        {
            silo.GoneBecause = notRestarted;
        }
        var exit = new ChaosSiloExit(silo.Name, silo.Pid, atSeconds, exitCode, afterFreeze, quick)
        {
            NotRestartedBecause = notRestarted,
        };
        return new ChaosExitDecision(exit, notRestarted is null);
    }
}
