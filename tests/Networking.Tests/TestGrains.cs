using System.Collections.Immutable;
using Game.Grains.Interfaces;
using Game.Runtime;
using Game.Runtime.Hosting;
using Game.Runtime.Streams;

namespace Game.Networking.Tests;

/// <summary>A grain interface exercising what crosses the wire: results, records, overloads, tokens, errors, one-way calls, streams.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    /// <summary>The address of the silo the activation runs on.</summary>
    Task<string> WhereAreYou();

    Task<string> Echo(string text);

    Task<int> Add(int a, int b);

    Task<int> Add(int a, int b, int c);

    Task<int> Length(string text, CancellationToken cancellationToken);

    Task<RoomJoined> Mirror(RoomJoined value);

    Task<RoomEvent> MirrorEvent(RoomEvent value);

    ValueTask<PlayerInput> MirrorInput(PlayerInput input);

    Task<PlayerSession?> Nothing();

    Task<IReadOnlyList<RoomSummary>> List(int count);

    /// <summary>Throws the exception named by <paramref name="kind"/>.</summary>
    Task Throw(string kind);

    [OneWay]
    Task Record(string text);

    /// <summary>Waits for the probe gate <paramref name="gate"/> (never answered until the test opens it).</summary>
    Task Hang(string gate);

    /// <summary>Publishes <paramref name="item"/> on the room stream of <paramref name="roomId"/>; returns the silo address.</summary>
    Task<string> Publish(string roomId, RoomEvent item);

    Task Deactivate();
}

public sealed class EchoGrain(Probe probe, ILocalSiloDetails silo) : Grain, IEchoGrain
{
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivated:{GetPrimaryKeyString()}@{silo.SiloAddress}");
        return Task.CompletedTask;
    }

    public Task<string> WhereAreYou() => Task.FromResult(silo.SiloAddress.ToString());

    public Task<string> Echo(string text) => Task.FromResult($"{text} from {silo.SiloAddress}");

    public Task<int> Add(int a, int b) => Task.FromResult(a + b);

    public Task<int> Add(int a, int b, int c) => Task.FromResult(a + b + c + 1000);

    public Task<int> Length(string text, CancellationToken cancellationToken)
        => Task.FromResult(cancellationToken.CanBeCanceled ? -1 : text.Length);

    public Task<RoomJoined> Mirror(RoomJoined value) => Task.FromResult(value with { Host = value.Host + "!" });

    public Task<RoomEvent> MirrorEvent(RoomEvent value) => Task.FromResult(value);

    public ValueTask<PlayerInput> MirrorInput(PlayerInput input) => ValueTask.FromResult(input with { Seq = input.Seq + 1 });

    public Task<PlayerSession?> Nothing() => Task.FromResult<PlayerSession?>(null);

    public Task<IReadOnlyList<RoomSummary>> List(int count)
        => Task.FromResult<IReadOnlyList<RoomSummary>>([.. Enumerable.Range(0, count).Select(i => new RoomSummary($"r{i}", "arena", i, 8, i % 2 == 0))]);

    public Task Throw(string kind) => kind switch
    {
        "argument" => throw new ArgumentException("bad argument", "value"),
        "invalid" => throw new InvalidOperationException("not now"),
        "timeout" => throw new TimeoutException("too slow"),
        "unavailable" => throw new SiloUnavailableException("somewhere else is down"),
        _ => throw new KeyNotFoundException($"no {kind}"),
    };

    public Task Record(string text)
    {
        probe.Record($"record:{text}@{silo.SiloAddress}");
        return Task.CompletedTask;
    }

    public Task Hang(string gate) => probe.Gate(gate).Task;

    public async Task<string> Publish(string roomId, RoomEvent item)
    {
        await GetStreamProvider(RoomStreams.Provider).GetStream<RoomEvent>(RoomStreams.For(roomId)).OnNextAsync(item);
        return silo.SiloAddress.ToString();
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

/// <summary>Sample values of the game's message types.</summary>
public static class Samples
{
    public static RoomJoined Joined => new("r1", "arena", "p1", "p1", 20, 1000, 1000,
        ImmutableDictionary<string, PlayerProfile>.Empty
            .Add("p1", new PlayerProfile("Ann", new Rgb(255, 0, 10)))
            .Add("p2", new PlayerProfile("Bob", new Rgb(0, 128, 255))));

    public static RoomSnapshot Snapshot => new("r1", 1_700_000_000_000, 42,
        [new PlayerSnapshot("p1", 1.5f, 2.25f, -3f, 4f, 100, 7), new PlayerSnapshot("p2", 999f, 0f, 0f, 0f, 0, 0)]);

    public static IEnumerable<RoomEvent> AllEvents =>
    [
        Snapshot,
        new PlayerJoinedEvent("p3", "Cy", new Rgb(1, 2, 3)),
        new PlayerLeftEvent("p3"),
        new PlayerAttackedEvent("p1", "p2", 75),
        new PlayerKilledEvent("p1", "p2"),
        new HostChangedEvent("p2"),
        new ChatEvent("p1", "hello \"world\" ✓", 1_700_000_000_001),
    ];
}
