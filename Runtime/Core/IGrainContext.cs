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

    /// <summary>
    /// Ends this activation once the current turn is done, with reason <see cref="DeactivationReasonCode.Migrating"/>,
    /// so that the next call activates the grain on another silo (placement avoids this one for a while).
    /// Stands for Orleans's <c>MigrateOnIdle</c>.
    /// </summary>
    void MigrateOnIdle();

    /// <summary>Keeps the activation from idle collection for at least <paramref name="timeSpan"/>.</summary>
    void DelayDeactivation(TimeSpan timeSpan);

    /// <summary>Registers a timer whose ticks run as turns of this activation (see <see cref="IGrainTimer"/>).</summary>
    IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options);
}
