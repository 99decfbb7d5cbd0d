using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace Game.Runtime.Catalog;

/// <summary>The states of an activation.</summary>
internal enum ActivationState
{
    /// <summary>Created; its first turn (OnActivateAsync) has not completed. Calls queue.</summary>
    Activating,
    /// <summary>Running calls.</summary>
    Valid,
    /// <summary>Running OnDeactivateAsync; new calls are held and go to the next activation.</summary>
    Deactivating,
    /// <summary>Gone; calls that still reach it are re-routed.</summary>
    Invalid,
}

/// <summary>
/// One activation of a grain: its instance, mailbox, scheduler, timers and lifecycle. Split by concern:
/// this file (identity, <see cref="IGrainContext"/>), <c>.MessagePump</c> (turns), <c>.Lifecycle</c>
/// (activate, deactivate, idle), <c>.Timers</c>.
/// </summary>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly Catalog _catalog;
    private readonly Lock _lock = new();
    private ActivationState _state = ActivationState.Activating;

    public ActivationData(GrainId grainId, GrainClassInfo grainClass, Catalog catalog)
    {
        GrainId = grainId;
        GrainClass = grainClass;
        _catalog = catalog;
        ActivationId = Guid.NewGuid();
        Address = new GrainAddress(grainId, catalog.SiloAddress, ActivationId);
        Log = catalog.ActivationLogger;
        _lastActivity = catalog.Time.GetTimestamp();
        // The activation turn is the first mailbox entry, so no call can run before it.
        _mailbox.Enqueue(new ActivateWorkItem());
    }

    public GrainId GrainId { get; }

    public Guid ActivationId { get; }

    public GrainAddress Address { get; }

    public GrainClassInfo GrainClass { get; }

    public Grain? Instance { get; private set; }

    public ILogger Log { get; }

    public ActivationTaskScheduler Scheduler { get; } = new();

    public IServiceProvider ActivationServices => _catalog.Services;

    public ActivationState State
    {
        get { lock (_lock) return _state; }
    }

    public override string ToString() => $"[Activation {GrainId} #{ActivationId.ToString()[..8]} {State}]";
}
