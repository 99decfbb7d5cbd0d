using System.Collections.Concurrent;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Timers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Catalog;

/// <summary>
/// This silo's activations, by grain id: creates one on the first call, removes it when it ends, and
/// re-routes calls that reach an activation that is going away. Stands for Orleans's <c>Catalog</c>.
/// </summary>
internal sealed class Catalog
{
    /// <summary>A call re-routed this many times fails instead (a routing loop).</summary>
    private const int MaxForwardCount = 8;

    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private IMessageRouter? _router;
    private volatile bool _stopped;

    public Catalog(GrainTypeManager types, IServiceProvider services, TimeProvider time, IGrainDirectory directory,
        ILocalSiloDetails silo, TimerScheduler timers, IOptions<SiloMessagingOptions> messaging,
        IOptions<GrainCollectionOptions> collection, ILoggerFactory loggers)
    {
        Types = types;
        Services = services;
        Time = time;
        Directory = directory;
        SiloAddress = silo.SiloAddress;
        Timers = timers;
        TurnWarningLength = messaging.Value.TurnWarningLength;
        DeactivationTimeout = collection.Value.DeactivationTimeout;
        ActivationLogger = loggers.CreateLogger("Game.Runtime.Activation");
        _logger = loggers.CreateLogger<Catalog>();
    }

    public GrainTypeManager Types { get; }

    /// <summary>Grains recently moved away from a silo, which placement avoids for them.</summary>
    public Placement.MigrationHints MigrationHints { get; } = new();
    public IServiceProvider Services { get; }
    public TimeProvider Time { get; }
    public IGrainDirectory Directory { get; }
    public SiloAddress SiloAddress { get; }
    public TimerScheduler Timers { get; }
    public TimeSpan TurnWarningLength { get; }
    public TimeSpan DeactivationTimeout { get; }
    public ILogger ActivationLogger { get; }
    public CancellationToken StoppingToken => _stopping.Token;

    private IMessageRouter Router => _router ??= Services.GetRequiredService<IMessageRouter>();

    /// <summary>Activations currently in the catalog (any state).</summary>
    public ICollection<ActivationData> Activations => _activations.Values;

    public int ActivationCount => _activations.Count;

    /// <summary>Delivers <paramref name="message"/> to the local activation of its target, creating it if needed.</summary>
    public void Deliver(Message message)
    {
        while (true)
        {
            if (_stopped)
            {
                message.Reject(new SiloUnavailableException($"Silo {SiloAddress} is stopped; {message} was not delivered."));
                return;
            }

            ActivationData activation;
            try
            {
                activation = GetOrCreate(message.Target);
            }
            catch (Exception ex)
            {
                message.Reject(ex);
                return;
            }

            if (activation.TryEnqueue(message)) return;
            // The activation ended between lookup and enqueue: drop the stale entry and try again.
            _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(message.Target, activation));
        }
    }

    /// <summary>Sends a message that its activation could not run (it ended) back through the router.</summary>
    public void Forward(Message message)
    {
        if (++message.ForwardCount > MaxForwardCount)
        {
            message.Reject(new InvalidOperationException($"{message} was re-routed {MaxForwardCount} times; giving up."));
            return;
        }
        Router.Send(message);
    }

    private ActivationData GetOrCreate(GrainId id)
    {
        if (_activations.TryGetValue(id, out var existing)) return existing;
        var grainClass = Types.GetClass(id.Type);
        return _activations.GetOrAdd(id, static (key, state) => new ActivationData(key, state.grainClass, state.catalog), (grainClass, catalog: this));
    }

    public void OnActivationEnded(ActivationData activation)
        => _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    /// <summary>Deactivates every activation (silo shutdown) and waits up to <paramref name="timeout"/>; new calls are refused from now on.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason, TimeSpan timeout)
    {
        _stopped = true;
        var all = _activations.Values.ToArray();
        foreach (var activation in all) activation.RequestDeactivation(reason);
        try
        {
            await Task.WhenAll(all.Select(a => a.Ended)).WaitAsync(timeout, Time);
        }
        catch (TimeoutException)
        {
            RuntimeLog.ShutdownTimedOut(_logger, all.Count(a => !a.Ended.IsCompleted), timeout.TotalSeconds);
        }
        _stopping.Cancel();
    }
}
