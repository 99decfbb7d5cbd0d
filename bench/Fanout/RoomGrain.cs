using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace Game.Bench.Fanout;

/// <summary>Publishes one item per tick, to its stream (stream mode) or to each subscribed observer (observer mode).</summary>
internal sealed class RoomGrain : Grain, IRoomGrain
{
    /// <summary>Items published by all rooms, read by the driver to compare with items received.</summary>
    public static long Sent;

    /// <summary><see cref="IRoomGrain.Inputs"/> calls taken by all rooms.</summary>
    public static long InputCalls;

    private readonly List<IRoomObserver> _observers = [];
    private IAsyncStream<Item>? _stream;
    private IGrainTimer? _timer;
    private int _payloadBytes;
    private long _tick;

    public Task Subscribe(IRoomObserver observer)
    {
        _observers.Add(observer);
        return Task.CompletedTask;
    }

    public Task Start(int hz, int payloadBytes, bool useStream)
    {
        _payloadBytes = payloadBytes;
        _stream = useStream
            ? this.GetStreamProvider(Program.StreamProvider).GetStream<Item>(StreamId.Create("room", this.GetPrimaryKeyLong()))
            : null;
        var period = TimeSpan.FromSeconds(1.0 / hz);
        // A random first due time spreads the rooms over the period, as rooms created at different times would be.
        var due = TimeSpan.FromTicks(Random.Shared.NextInt64(period.Ticks));
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(due, period) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public Task Inputs(InputBatch batch)
    {
        Interlocked.Increment(ref InputCalls);
        return Task.CompletedTask;
    }

    public Task Stop()
    {
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    private async Task Tick(CancellationToken cancellation)
    {
        var payload = new byte[_payloadBytes];
        Random.Shared.NextBytes(payload);
        var item = new Item(this.GetPrimaryKeyLong(), ++_tick, System.Diagnostics.Stopwatch.GetTimestamp(), payload);
        Interlocked.Increment(ref Sent);
        if (_stream is not null)
        {
            await _stream.OnNextAsync(item);
            return;
        }

        foreach (var observer in _observers)
        {
            // [OneWay]: completes at once; the call is queued to the observer's host.
            await observer.OnItem(item);
        }
    }
}
