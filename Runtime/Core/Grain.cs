using Game.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Runtime;

/// <summary>
/// Base class of every grain implementation. An instance lives inside one activation; the runtime
/// constructs it through dependency injection, attaches its <see cref="GrainContext"/>, then calls
/// <see cref="OnActivateAsync"/> as the activation's first turn. Stands for Orleans's <c>Grain</c>.
/// </summary>
/// <remarks>
/// Turn rules: at most one turn of an activation runs at a time; calls, timer ticks and lifecycle
/// hooks are queued in the activation's mailbox and run in arrival order, each to completion
/// (including its awaits) before the next starts, unless the method is marked
/// <see cref="AlwaysInterleaveAttribute"/> or the class <see cref="ReentrantAttribute"/>.
/// Grain code therefore needs no locks for its own fields.
/// </remarks>
public abstract class Grain : IAddressable
{
    private IGrainContext? _context;

    /// <summary>The activation this instance belongs to.</summary>
    /// <exception cref="InvalidOperationException">Read before the runtime attached the instance (e.g. in the constructor).</exception>
    public IGrainContext GrainContext
    {
        get => _context ?? throw new InvalidOperationException("The grain is not attached to an activation yet; use OnActivateAsync, not the constructor.");
        internal set => _context = value;
    }

    /// <summary>The grain's identity.</summary>
    public GrainId GrainId => GrainContext.GrainId;

    /// <summary>The silo's services.</summary>
    protected IServiceProvider ServiceProvider => GrainContext.ActivationServices;

    /// <summary>A factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <summary>The grain's key (<see cref="GrainId.Key"/>). Stands for Orleans's <c>this.GetPrimaryKeyString()</c>.</summary>
    public string GetPrimaryKeyString() => GrainId.Key;

    /// <summary>Runs as the activation's first turn, before any call. The default does nothing.</summary>
    /// <param name="cancellationToken">Cancelled when the silo stops before activation completes.</param>
    /// <returns>A task; if it faults, the activation fails and every queued call fails with the exception.</returns>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs as the activation's last turn. The default does nothing.</summary>
    /// <param name="reason">Why the activation ends.</param>
    /// <param name="cancellationToken">Cancelled when the deactivation timeout (silo shutdown) passes.</param>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the queued turns are done. Stands for Orleans's <c>DeactivateOnIdle</c>.</summary>
    protected void DeactivateOnIdle() => GrainContext.DeactivateOnIdle();

    /// <summary>Moves this grain to another silo once the current turn is done (see <see cref="IGrainContext.MigrateOnIdle"/>).</summary>
    protected void MigrateOnIdle() => GrainContext.MigrateOnIdle();

    /// <summary>Keeps this activation from idle collection for at least <paramref name="timeSpan"/>.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => GrainContext.DelayDeactivation(timeSpan);

    /// <summary>Registers a grain timer; see <see cref="IGrainTimer"/> for the tick rules.</summary>
    /// <param name="callback">Runs each tick as a turn; receives a token cancelled when the timer is disposed.</param>
    /// <param name="options">Due time, period, interleaving and keep-alive.</param>
    /// <returns>The timer; dispose it to stop ticking.</returns>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options)
        => GrainContext.RegisterGrainTimer(static (cb, ct) => cb(ct), callback, options);

    /// <summary>Registers a grain timer with a state argument, avoiding a closure per timer.</summary>
    /// <inheritdoc cref="RegisterGrainTimer(Func{CancellationToken, Task}, GrainTimerCreationOptions)"/>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, GrainTimerCreationOptions options)
        => GrainContext.RegisterGrainTimer(callback, state, options);

    /// <summary>Registers a grain timer with a due time and a period.</summary>
    /// <param name="callback">Runs each tick as a turn.</param>
    /// <param name="dueTime">Delay before the first tick.</param>
    /// <param name="period">Time between ticks, measured on the monotonic clock from the first tick (no drift).</param>
    protected IGrainTimer RegisterGrainTimer(Func<Task> callback, TimeSpan dueTime, TimeSpan period)
        => GrainContext.RegisterGrainTimer(static (cb, _) => cb(), callback, new GrainTimerCreationOptions(dueTime, period));

    /// <summary>Returns the stream provider registered under <paramref name="name"/>. Stands for Orleans's <c>this.GetStreamProvider(name)</c>.</summary>
    /// <exception cref="KeyNotFoundException">No provider of that name is registered.</exception>
    protected IStreamProvider GetStreamProvider(string name) => ServiceProvider.GetStreamProvider(name);
}
