namespace Game.LoadTest.Cli;

/// <summary>Shows a run's progress: a live Spectre.Console view on a terminal, plain periodic lines otherwise.</summary>
internal abstract class ProgressView
{
    /// <summary>Runs <paramref name="work"/>, giving it the progress callback to pass into <see cref="LoadRunOptions.Progress"/>.</summary>
    public abstract Task<T> RunAsync<T>(Func<Action<LoadProgress>, Task<T>> work);

    /// <summary>Shows a finished SLO search step.</summary>
    public abstract void OnStep(SloStep step);

    /// <summary>Shows a finished run's silos, one short line each (nothing when there are none).</summary>
    public abstract void ShowSilos(IReadOnlyList<SiloSummary> silos);

    /// <summary>Shows a finished run's pauses and lost acks in one short line (<see cref="PlainProgressView.FormatGaps"/>).</summary>
    public abstract void ShowGaps(LoadSummary summary);

    /// <summary>The view for this process: live when stdout is a terminal and plain lines were not asked for.</summary>
    public static ProgressView Create(bool forcePlain, string title) =>
        forcePlain || Console.IsOutputRedirected ? new PlainProgressView(Console.Out, title) : new LiveProgressView(title);
}
