namespace Game.Runtime.Tests;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment();
    Task<int> MaxConcurrency();
}

/// <summary>Would lose increments and see concurrency above 1 if turns interleaved.</summary>
public sealed class CounterGrain : Grain, ICounterGrain
{
    private int _value;
    private int _inside;
    private int _maxInside;

    public async Task<int> Increment()
    {
        _maxInside = Math.Max(_maxInside, ++_inside);
        var read = _value;
        await Task.Yield();
        await Task.Delay(1);
        _value = read + 1;
        _inside--;
        return _value;
    }

    public Task<int> MaxConcurrency() => Task.FromResult(_maxInside);
}

public interface IGateGrain : IGrainWithStringKey
{
    Task WaitAtGate();

    [AlwaysInterleave]
    Task OpenGate();
}

public sealed class GateGrain(Probe probe) : Grain, IGateGrain
{
    public Task WaitAtGate() => probe.Gate(GetPrimaryKeyString()).Task;

    public Task OpenGate()
    {
        probe.Gate(GetPrimaryKeyString()).TrySetResult();
        return Task.CompletedTask;
    }
}

public interface ITickerGrain : IGrainWithStringKey
{
    Task Start(TimeSpan period, int throwOnTick, TimeSpan tickWork, bool keepAlive);
    Task<int> MaxConcurrency();
    Task Stop();
}

public sealed class TickerGrain(Probe probe) : Grain, ITickerGrain
{
    private IGrainTimer? _timer;
    private int _ticks;
    private int _inside;
    private int _maxInside;

    public Task Start(TimeSpan period, int throwOnTick, TimeSpan tickWork, bool keepAlive)
    {
        _timer = RegisterGrainTimer(async ct =>
        {
            _maxInside = Math.Max(_maxInside, ++_inside);
            try
            {
                var n = ++_ticks;
                if (tickWork > TimeSpan.Zero) await Task.Delay(tickWork, ct);
                if (n == throwOnTick) throw new InvalidOperationException($"tick {n} fails on purpose");
            }
            finally
            {
                _inside--;
                probe.Record($"tick:{GetPrimaryKeyString()}");
            }
        }, new GrainTimerCreationOptions(period, period) { KeepAlive = keepAlive });
        return Task.CompletedTask;
    }

    public Task<int> MaxConcurrency() => Task.FromResult(_maxInside);

    public Task Stop()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }
}

public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<Guid> InstanceId();
    Task Deactivate();
}

public sealed class LifecycleGrain(Probe probe) : Grain, ILifecycleGrain
{
    private readonly Guid _id = Guid.NewGuid();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivating:{GetPrimaryKeyString()}:{reason.Code}");
        if (GetPrimaryKeyString().StartsWith("slow", StringComparison.Ordinal)) await probe.Gate($"release:{GetPrimaryKeyString()}").Task;
        probe.Record($"deactivated:{GetPrimaryKeyString()}");
    }

    public Task<Guid> InstanceId() => Task.FromResult(_id);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public interface IFaultyGrain : IGrainWithStringKey
{
    Task<int> Fail();
    ValueTask<int> Answer();
    [OneWay]
    Task FireAndForget();
}

public sealed class FaultyGrain(Probe probe) : Grain, IFaultyGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
        => GetPrimaryKeyString() == "broken" ? throw new InvalidOperationException("cannot activate") : Task.CompletedTask;

    public Task<int> Fail() => throw new ArgumentException("bad argument");

    public ValueTask<int> Answer() => ValueTask.FromResult(42);

    public async Task FireAndForget()
    {
        await Task.Delay(10);
        probe.Record("fired");
        throw new InvalidOperationException("one-way failures are logged, not returned");
    }
}
