using Microsoft.Extensions.DependencyInjection;

namespace Game.Runtime.Tests;

public sealed class TurnTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static Task<TestSilo> Start() => TestSilo.StartAsync(configure: s => s.AddSingleton<Probe>());

    [Fact]
    public async Task Concurrent_callers_never_interleave_turns()
    {
        await using var silo = await Start();
        var counter = silo.Grains.GetGrain<ICounterGrain>("c");
        var calls = Enumerable.Range(0, 200).Select(_ => Task.Run(() => counter.Increment())).ToArray();
        var results = await Eventually.Within(Task.WhenAll(calls), Deadline, "200 concurrent increments completing");

        Assert.Equal(Enumerable.Range(1, 200), results.Order());
        Assert.Equal(1, await counter.MaxConcurrency());
    }

    [Fact]
    public async Task AlwaysInterleave_calls_run_while_a_turn_awaits()
    {
        await using var silo = await Start();
        var gate = silo.Grains.GetGrain<IGateGrain>("g");
        var waiting = gate.WaitAtGate();
        await Eventually.Within(gate.OpenGate(), Deadline, "an [AlwaysInterleave] call running while another turn awaits");
        await Eventually.Within(waiting, Deadline, "the waiting turn completing once the gate opened");
    }

    [Fact]
    public async Task Exceptions_reach_the_caller_and_the_grain_keeps_working()
    {
        await using var silo = await Start();
        var grain = silo.Grains.GetGrain<IFaultyGrain>("ok");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => grain.Fail());
        Assert.Equal("bad argument", ex.Message);
        Assert.Equal(42, await grain.Answer());
    }

    [Fact]
    public async Task A_failed_activation_fails_its_calls_and_the_next_call_retries()
    {
        await using var silo = await Start();
        var grain = silo.Grains.GetGrain<IFaultyGrain>("broken");
        var first = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Answer().AsTask());
        Assert.Contains("cannot activate", first.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Answer().AsTask());
    }

    [Fact]
    public async Task One_way_calls_return_at_once_and_their_failures_are_not_returned()
    {
        await using var silo = await Start();
        var probe = silo.Services.GetRequiredService<Probe>();
        var call = silo.Grains.GetGrain<IFaultyGrain>("ow").FireAndForget();
        Assert.True(call.IsCompletedSuccessfully);
        await probe.WaitFor(() => probe.Count("fired") == 1, Deadline, "the one-way call running");
        Assert.Equal(42, await silo.Grains.GetGrain<IFaultyGrain>("ow").Answer());
    }

    [Fact]
    public void A_grain_interface_without_a_class_is_a_clear_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => Catalog.GrainTypeManager.ForClasses([typeof(GateGrain)]).GetClassForInterface(typeof(ICounterGrain)));
        Assert.Contains(nameof(ICounterGrain), ex.Message);
    }

    [Fact]
    public async Task References_to_one_grain_are_equal()
    {
        await using var silo = await Start();
        Assert.Equal(silo.Grains.GetGrain<ICounterGrain>("x"), silo.Grains.GetGrain<ICounterGrain>("x"));
        Assert.Equal(new GrainId("counter", "x"), silo.Grains.GetGrain<ICounterGrain>("x").GetGrainId());
    }
}
