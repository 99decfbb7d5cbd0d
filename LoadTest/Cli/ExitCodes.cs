namespace Game.LoadTest.Cli;

/// <summary>The CLI's exit codes (documented in README.md).</summary>
internal static class ExitCodes
{
    /// <summary>The run (or search) completed and at least one bot connected.</summary>
    public const int Ok = 0;

    /// <summary>Invalid command line or option values.</summary>
    public const int Usage = 1;

    /// <summary>No bot could connect and join.</summary>
    public const int NoBotConnected = 2;

    /// <summary>Stopped with Ctrl+C (the summary of what ran is still printed).</summary>
    public const int Cancelled = 130;
}
