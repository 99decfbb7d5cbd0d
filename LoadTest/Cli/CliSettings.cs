namespace Game.LoadTest.Cli;

/// <summary>What the command line asked for, after parsing.</summary>
/// <param name="Run">The run options (for an SLO search: every step's, with the start rooms).</param>
/// <param name="Slo">Whether to run an SLO capacity search instead of one run.</param>
/// <param name="SloMaxRooms">The search's maximum rooms.</param>
/// <param name="SloAttempts">Runs per room count before it counts as broken.</param>
/// <param name="ReportPath">Where to write a Markdown report, or null.</param>
/// <param name="Plain">Force plain progress lines even on a terminal.</param>
internal sealed record CliSettings(LoadRunOptions Run, bool Slo, int SloMaxRooms, int SloAttempts, string? ReportPath, bool Plain);
