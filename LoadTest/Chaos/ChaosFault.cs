namespace Game.LoadTest;

/// <summary>A fault the chaos soak injects (<c>--chaos-faults</c>); Linux signals.</summary>
public enum ChaosFault
{
    /// <summary>SIGKILL: the silo dies at once (a crash); restarted when the tester started it.</summary>
    Kill,

    /// <summary>SIGSTOP, then SIGCONT after <see cref="ChaosOptions.FreezeDuration"/>: a silo that hangs (GC pause, VM stall) and comes back.</summary>
    Freeze,

    /// <summary>SIGTERM: a graceful stop (deploy); restarted when the tester started it. No acknowledged input may be lost.</summary>
    Stop,

    /// <summary>PostgreSQL stopped for <see cref="ChaosOptions.PgOutage"/> with <see cref="ChaosOptions.PgStopCommand"/>, then started again.</summary>
    PgOutage,
}

/// <summary>Wire names of <see cref="ChaosFault"/>.</summary>
public static class ChaosFaults
{
    /// <summary>The name in flags, JSON and reports: <c>kill</c>, <c>freeze</c>, <c>stop</c>, <c>pg</c>.</summary>
    /// <param name="fault">The fault.</param>
    /// <returns>The name.</returns>
    public static string WireName(this ChaosFault fault) => fault switch
    {
        ChaosFault.Kill => "kill",
        ChaosFault.Freeze => "freeze",
        ChaosFault.Stop => "stop",
        ChaosFault.PgOutage => "pg",
        _ => fault.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses <c>kill,freeze,stop</c> (comma separated, case-insensitive, no repeats).</summary>
    /// <param name="text">The list.</param>
    /// <param name="faults">The faults in the order given.</param>
    /// <param name="error">Why it is invalid, or null.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParseList(string? text, out IReadOnlyList<ChaosFault> faults, out string? error)
    {
        var list = new List<ChaosFault>();
        faults = list;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--chaos-faults needs at least one of kill, freeze, stop";
            return false;
        }
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            ChaosFault? fault = part.ToLowerInvariant() switch
            {
                "kill" => ChaosFault.Kill,
                "freeze" => ChaosFault.Freeze,
                "stop" => ChaosFault.Stop,
                _ => null,
            };
            if (fault is null)
            {
                error = $"--chaos-faults: '{part}' is not a fault (kill, freeze, stop)";
                return false;
            }
            if (list.Contains(fault.Value))
            {
                error = $"--chaos-faults: '{part}' is given twice";
                return false;
            }
            list.Add(fault.Value);
        }
        return true;
    }
}
