using Orleans;
using Orleans.Concurrency;

namespace Game.Bench.Fanout;

/// <summary>One published item per room tick: what a room's snapshot costs to deliver.</summary>
/// <param name="Room">Room grain key.</param>
/// <param name="Tick">Tick number of the room, from 1.</param>
/// <param name="SentTimestamp"><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when published (same process, so comparable).</param>
/// <param name="Payload">Opaque snapshot bytes.</param>
[GenerateSerializer, Immutable]
internal sealed record Item(long Room, long Tick, long SentTimestamp, byte[] Payload);

/// <summary>
/// Players' inputs for a room, as a gateway sends them between ticks (the game's <c>IRoomGrain.Inputs</c>): the ids and
/// sequence numbers only, since the call's cost, not its body, is measured (<c>--inputs-per-tick</c>).
/// </summary>
/// <param name="PlayerIds">Senders.</param>
/// <param name="Seqs">Their inputs' sequence numbers.</param>
[GenerateSerializer, Immutable]
internal sealed record InputBatch(string[] PlayerIds, long[] Seqs);

/// <summary>A room that ticks at a fixed rate and publishes one <see cref="Item"/> per tick.</summary>
internal interface IRoomGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the tick timer; each tick goes to the room's stream or to its observers.</summary>
    Task Start(int hz, int payloadBytes, bool useStream);

    /// <summary>Adds an observer that gets every item (observer mode).</summary>
    Task Subscribe(IRoomObserver observer);

    /// <summary>Stops the tick timer.</summary>
    Task Stop();

    /// <summary>Players' inputs, fire-and-forget, each call a turn of the room: the room only counts them.</summary>
    [OneWay]
    Task Inputs(InputBatch batch);
}

/// <summary>The consumer side of observer mode (a gateway's per-room sink).</summary>
internal interface IRoomObserver : IGrainObserver
{
    /// <summary>One item, fire-and-forget.</summary>
    [OneWay]
    Task OnItem(Item item);
}
