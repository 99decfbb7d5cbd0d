namespace Game.Runtime;

/// <summary>
/// What a grain instance knows of its activation: identity, services and lifecycle controls.
/// Stands for Orleans's <c>IGrainContext</c>.
/// </summary>
public interface IGrainContext
{
    /// <summary>The grain's identity.</summary>
    GrainId GrainId { get; }

    /// <summary>The silo's services.</summary>
    IServiceProvider ActivationServices { get; }

    /// <summary>Deactivates the activation once the current turn and the queued ones are done.</summary>
    void DeactivateOnIdle();

    /// <summary>Keeps the activation from idle collection for at least <paramref name="timeSpan"/>.</summary>
    void DelayDeactivation(TimeSpan timeSpan);

    /// <summary>Registers a timer whose ticks run as turns of this activation (see <see cref="IGrainTimer"/>).</summary>
    IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options);
}
