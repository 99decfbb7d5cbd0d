using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Game.Streaming;

/// <summary>What a push stream's rendezvous keeps in storage.</summary>
[GenerateSerializer, Alias("game.streams.PushStreamRendezvousState")]
public sealed class PushStreamRendezvousState
{
    /// <summary>Identifies this state's history: a rendezvous that starts without stored state starts a new epoch.</summary>
    [Id(0)] public Guid Epoch { get; set; }

    /// <summary>The version of <see cref="Consumers"/>, one more with every change.</summary>
    [Id(1)] public long Version { get; set; }

    /// <summary>The consuming processes' endpoints.</summary>
    [Id(2)] public List<IPushStreamEndpoint> Consumers { get; set; } = [];

    /// <summary>The producing processes' endpoints.</summary>
    [Id(3)] public List<IPushStreamEndpoint> Producers { get; set; } = [];
}

/// <summary>
/// The rendezvous of one push stream (<see cref="IPushStreamRendezvousGrain"/>): the only place that knows a stream's
/// consumers and producers. Producers cache the consumer list and are told of changes, so publishing never calls it.
/// </summary>
internal sealed partial class PushStreamRendezvousGrain(
    [PersistentState("push-stream", PushStreamDefaults.Storage)] IPersistentState<PushStreamRendezvousState> state,
    IOptions<PushStreamOptions> options,
    PushStreamClock clock,
    ILogger<PushStreamRendezvousGrain> logger) : Grain, IPushStreamRendezvousGrain
{
    private readonly TimeProvider time = clock.Time;
    private readonly PushStreamOptions _options = options.Value;
    // When each endpoint last renewed, per role: one process is often both a consumer and a producer of a stream.
    private readonly Dictionary<IPushStreamEndpoint, long> _consumersRenewed = [];
    private readonly Dictionary<IPushStreamEndpoint, long> _producersRenewed = [];
    private StreamId _stream;
    private bool _dirty;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _stream = StreamId.Parse(System.Text.Encoding.UTF8.GetBytes(key[(key.IndexOf('/') + 1)..]));
        if (state.State.Epoch == Guid.Empty) state.State.Epoch = Guid.NewGuid();
        // Whoever is stored gets a full lease from now: a live endpoint renews within it, a dead one lapses.
        var now = time.GetTimestamp();
        foreach (var e in state.State.Consumers) _consumersRenewed[e] = now;
        foreach (var e in state.State.Producers) _producersRenewed[e] = now;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty) await SaveAsync();
    }

    public async Task Subscribe(IPushStreamEndpoint consumer)
    {
        var changed = Expire(out _);
        _consumersRenewed[consumer] = time.GetTimestamp();
        if (!state.State.Consumers.Contains(consumer))
        {
            state.State.Consumers.Add(consumer);
            changed = true;
        }
        if (changed) await ConsumersChangedAsync();
        else if (_dirty) await SaveAsync();
    }

    public async Task Unsubscribe(IPushStreamEndpoint consumer)
    {
        var changed = Expire(out _);
        if (state.State.Consumers.Remove(consumer))
        {
            _consumersRenewed.Remove(consumer);
            changed = true;
        }
        if (changed) await ConsumersChangedAsync();
    }

    public async Task<PushStreamConsumers> RegisterProducer(IPushStreamEndpoint producer)
    {
        var changed = Expire(out var producersChanged);
        _producersRenewed[producer] = time.GetTimestamp();
        if (!state.State.Producers.Contains(producer))
        {
            state.State.Producers.Add(producer);
            producersChanged = true;
        }
        if (changed) await ConsumersChangedAsync(except: producer);
        else if (producersChanged || _dirty) await SaveAsync();
        return Consumers();
    }

    public async Task UnregisterProducer(IPushStreamEndpoint producer)
    {
        if (!state.State.Producers.Remove(producer)) return;
        _producersRenewed.Remove(producer);
        await SaveAsync();
    }

    private PushStreamConsumers Consumers() =>
        new(state.State.Epoch, state.State.Version, [.. state.State.Consumers]);

    /// <summary>Drops the endpoints whose lease ran out; true if a consumer went (the consumer list changed).</summary>
    private bool Expire(out bool producersChanged)
    {
        var consumers = Expire(state.State.Consumers, _consumersRenewed);
        var producers = Expire(state.State.Producers, _producersRenewed);
        producersChanged = producers > 0;
        if (consumers + producers > 0) Log.Lapsed(logger, _stream, consumers, producers);
        return consumers > 0;
    }

    private int Expire(List<IPushStreamEndpoint> endpoints, Dictionary<IPushStreamEndpoint, long> renewed)
    {
        var now = time.GetTimestamp();
        return endpoints.RemoveAll(e =>
        {
            if (renewed.TryGetValue(e, out var at) && time.GetElapsedTime(at, now) <= _options.Lease) return false;
            renewed.Remove(e);
            return true;
        });
    }

    /// <summary>
    /// A new version of the consumer list: every producer is told (and waited for, up to
    /// <see cref="PushStreamOptions.NotifyTimeout"/>; one that does not answer is dropped), then the state is saved.
    /// </summary>
    private async Task ConsumersChangedAsync(IPushStreamEndpoint? except = null)
    {
        state.State.Version++;
        var consumers = Consumers();
        var producers = state.State.Producers.Where(p => !p.Equals(except)).ToArray();
        var answers = producers.Select(p => p.ConsumersChanged(_stream, consumers).WaitAsync(_options.NotifyTimeout)).ToArray();
        try
        {
            await Task.WhenAll(answers);
        }
        catch
        {
            for (var i = 0; i < producers.Length; i++)
            {
                if (!answers[i].IsCompletedSuccessfully)
                {
                    state.State.Producers.Remove(producers[i]);
                    _producersRenewed.Remove(producers[i]);
                    Log.ProducerDropped(logger, answers[i].Exception?.InnerException, _stream);
                }
            }
        }
        await SaveAsync();
    }

    /// <summary>
    /// Writes the state. A write that lost an ETag race (another activation wrote, around a frozen silo) reads the
    /// stored state and writes the union; one that fails is kept in memory and tried again at the next call.
    /// </summary>
    private async Task SaveAsync()
    {
        try
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch (InconsistentStateException)
            {
                var mine = state.State;
                await state.ReadStateAsync();
                var stored = state.State;
                stored.Consumers = [.. stored.Consumers.Union(mine.Consumers)];
                stored.Producers = [.. stored.Producers.Union(mine.Producers)];
                stored.Version = Math.Max(stored.Version, mine.Version) + 1;
                if (stored.Epoch == Guid.Empty) stored.Epoch = mine.Epoch;
                var now = time.GetTimestamp();
                foreach (var e in stored.Consumers) _consumersRenewed.TryAdd(e, now);
                foreach (var e in stored.Producers) _producersRenewed.TryAdd(e, now);
                await state.WriteStateAsync();
            }
            _dirty = false;
        }
        catch (Exception ex)
        {
            _dirty = true;
            Log.SaveFailed(logger, ex, _stream);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Debug, Message = "Push stream {Stream}: {Consumers} consumer(s) and {Producers} producer(s) stopped renewing and were dropped")]
        public static partial void Lapsed(ILogger logger, StreamId stream, int consumers, int producers);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Push stream {Stream}: a producer did not take the new consumer list and was dropped until it registers again")]
        public static partial void ProducerDropped(ILogger logger, Exception? ex, StreamId stream);

        [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Push stream {Stream}: saving the consumers failed; they stay in memory and are saved at the next change")]
        public static partial void SaveFailed(ILogger logger, Exception ex, StreamId stream);
    }
}
