using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Game.Gateway.Sessions;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Gateway.Diagnostics;

/// <summary>
/// The gateway's metrics (meter <see cref="MeterName"/>; README.md, "Operating it"). The hot path is cheap: what is
/// counted per message or per snapshot (messages, bytes, snapshots) is an interlocked add to a total that observable
/// counters report when the exporter collects, so a message costs no instrument update (docs/performance.md, "Fourth
/// pass"); rarer events are counters with tag lists made once; the players gauge is observed from the session registry.
/// </summary>
internal static class GatewayMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "Game.Gateway";

    private static readonly Meter Meter = new(MeterName);

    // Totals since the process started, read by the observable counters below.
    private static readonly long[] MessagesByType = new long[Enum.GetValues<ClientMessageType>().Max(t => (int)t) + 1];
    private static Totals s_totals;

    private static readonly ObservableCounter<long> Messages = Meter.CreateObservableCounter("game.gateway.messages.in", ObserveMessages, "{message}",
        "Client messages read, by type (type=input: inputs; binary inputs included).");
    private static readonly ObservableCounter<long> Io = Meter.CreateObservableCounter("game.gateway.network.io", ObserveIo, "By",
        "WebSocket payload bytes, network.io.direction=receive (client messages) or transmit (everything sent).");
    private static readonly ObservableCounter<long> Snapshots = Meter.CreateObservableCounter("game.gateway.snapshots.out", () => Volatile.Read(ref s_totals.Snapshots), "{snapshot}",
        "Snapshots (map, kind snapshots) sent to clients.");
    private static readonly ObservableCounter<long> InputCalls = Meter.CreateObservableCounter("game.gateway.input_calls", () => Volatile.Read(ref s_totals.InputCalls), "{call}",
        "Grain calls that carried inputs to rooms: one per ticking room per tick for the inputs an epoll loop held for that tick, one per room per pass of an epoll loop for the rest it read, or one per input read elsewhere. Inputs per call = game.gateway.messages.in{type=input} / this.");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("game.gateway.sends.dropped", "{message}",
        "Sends dropped for a slow client: reason=snapshot_replaced (a newer snapshot took the waiting one's place) or queue_overflow (the client is closed).");
    private static readonly Counter<long> RateLimitedMessages = Meter.CreateCounter<long>("game.gateway.rate_limited", "{message}",
        "Client messages dropped by a rate limit, by type.");
    private static readonly Counter<long> Upgrades = Meter.CreateCounter<long>("game.gateway.upgrades", "{connection}",
        "WebSockets accepted on /ws, by path=direct (the gateway's own transport) or http (Kestrel's HTTP/1.1 upgrade).");
    private static readonly Histogram<double> Joins = Meter.CreateHistogram<double>("game.gateway.join.duration", "ms",
        "How long the join grain call took (join, or resume into the room).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] });
    private static readonly Histogram<double> SnapshotAge = Meter.CreateHistogram<double>("game.gateway.snapshot.age", "ms",
        "How old an arena snapshot was when its room feed got it: this gateway's clock against the server time of the snapshot's tick (1 ms resolution; across machines it includes their clocks' offset). The tick's lateness is not in it (game.room.tick.lateness); the way to the players after the gateway is not either.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000] });

    private static readonly TagList[] ByType = [.. Enum.GetValues<ClientMessageType>().Select(t => Tag("type", Wire(t)))];
    private static readonly TagList Receive = Tag("network.io.direction", "receive");
    private static readonly TagList Transmit = Tag("network.io.direction", "transmit");
    private static readonly TagList SnapshotReplaced = Tag("reason", "snapshot_replaced");
    private static readonly TagList QueueOverflow = Tag("reason", "queue_overflow");
    private static readonly KeyValuePair<string, object?> InUse = new("state", "in_use");
    private static readonly KeyValuePair<string, object?> Free = new("state", "free");
    private static readonly TagList DirectPath = Tag("path", "direct");
    private static readonly TagList HttpPath = Tag("path", "http");

    /// <summary>One WebSocket accepted on <c>/ws</c>: <paramref name="direct"/> by <c>Connections.GatewayTransport</c>, else through HTTP.</summary>
    public static void RecordUpgrade(bool direct) => Upgrades.Add(1, direct ? DirectPath : HttpPath);

    /// <summary>One frame of <paramref name="bytes"/> read from a client.</summary>
    public static void RecordReceived(int bytes) => Interlocked.Add(ref s_totals.BytesReceived, bytes);

    /// <summary>One client message of <paramref name="type"/> read.</summary>
    public static void RecordMessage(ClientMessageType type) => Interlocked.Increment(ref MessagesByType[(int)type]);

    /// <summary>One grain call carrying one or more inputs to a room.</summary>
    public static void RecordInputCall() => Interlocked.Increment(ref s_totals.InputCalls);

    /// <summary>One frame of <paramref name="bytes"/> sent to a client.</summary>
    public static void RecordSent(int bytes) => Interlocked.Add(ref s_totals.BytesSent, bytes);

    /// <summary>One snapshot of <paramref name="bytes"/> sent directly to a client (by a room feed).</summary>
    public static void RecordSnapshotSent(int bytes)
    {
        Interlocked.Increment(ref s_totals.Snapshots);
        Interlocked.Add(ref s_totals.BytesSent, bytes);
    }

    /// <summary>
    /// An arena snapshot of server time <paramref name="tickTimeMs"/> (ms since the Unix epoch) reached its room feed at
    /// <paramref name="nowMs"/> (this gateway's clock, the same unit): records its age, 0 when the clocks put it in the future.
    /// </summary>
    public static void RecordSnapshotAge(long tickTimeMs, long nowMs) => SnapshotAge.Record(Math.Max(0, nowMs - tickTimeMs));

    /// <summary>One snapshot taken by the send loop (its bytes are counted by <see cref="RecordSent"/>).</summary>
    public static void RecordSnapshot() => Interlocked.Increment(ref s_totals.Snapshots);

    /// <summary>A waiting snapshot replaced by a newer one before it could be sent.</summary>
    public static void RecordSnapshotReplaced() => Dropped.Add(1, SnapshotReplaced);

    /// <summary>A reliable message refused by a full send queue.</summary>
    public static void RecordQueueOverflow() => Dropped.Add(1, QueueOverflow);

    /// <summary>A client message of <paramref name="type"/> dropped by a rate limit.</summary>
    public static void RecordRateLimited(ClientMessageType type) => RateLimitedMessages.Add(1, ByType[(int)type]);

    /// <summary>Wraps a join grain call so that its duration is recorded in <c>game.gateway.join.duration</c>.</summary>
    public static Func<Task<JoinResult>> TimeJoin(Func<Task<JoinResult>> join) => async () =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await join().ConfigureAwait(false);
        }
        finally
        {
            Joins.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    };

    /// <summary>
    /// Adds the gauge <c>game.players.connected</c> over <paramref name="sessions"/> to a meter of
    /// <paramref name="meters"/> (one per app, so several gateways in one process each report their own players).
    /// </summary>
    public static Meter ObservePlayers(IMeterFactory meters, SessionRegistry sessions)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("game.players.connected", () => sessions.Connections().Length, "{player}",
            "Players with a connection on this gateway (a session, after hello).");
        return meter;
    }

    /// <summary>
    /// Adds the gauge <c>game.gateway.memory_pool.blocks</c> to <paramref name="meter"/>: the blocks of Kestrel's memory
    /// pools made by <paramref name="pools"/>, by <c>state</c> = <c>in_use</c> (lent: frames waiting to be sent, reads
    /// not yet consumed) or <c>free</c> (kept for reuse, dropped when the last 10 s did not need them); each block is
    /// <c>Gateway:MemoryPoolBlockBytes</c>. Kestrel's socket transport takes them: for players only when
    /// <c>Gateway:DirectUpgrade</c> is off, so the gauge reads 0 while the gateway's own transport serves them.
    /// </summary>
    public static void ObservePool(Meter meter, Connections.ConnectionMemoryPoolFactory pools)
    {
        meter.CreateObservableGauge("game.gateway.memory_pool.blocks", () =>
        {
            int inUse = 0, free = 0;
            foreach (var pool in pools.Created)
            {
                inUse += pool.BlocksInUse;
                free += pool.FreeBlocks;
            }
            return new[] { new Measurement<int>(inUse, InUse), new Measurement<int>(free, Free) };
        }, "{block}", "Blocks of Kestrel's memory pool, by state=in_use or free.");
    }

    private static IEnumerable<Measurement<long>> ObserveMessages()
    {
        var measurements = new List<Measurement<long>>(MessagesByType.Length);
        for (var type = 0; type < MessagesByType.Length; type++)
        {
            var count = Volatile.Read(ref MessagesByType[type]);
            if (count > 0) measurements.Add(new Measurement<long>(count, ByType[type]));
        }
        return measurements;
    }

    private static Measurement<long>[] ObserveIo() =>
    [
        new(Volatile.Read(ref s_totals.BytesReceived), Receive),
        new(Volatile.Read(ref s_totals.BytesSent), Transmit),
    ];

    private static string Wire(ClientMessageType type) => type switch
    {
        ClientMessageType.Hello => "hello",
        ClientMessageType.Time => "time",
        ClientMessageType.Rooms => "rooms",
        ClientMessageType.Join => "join",
        ClientMessageType.Input => "input",
        ClientMessageType.Chat => "chat",
        ClientMessageType.Leave => "leave",
        ClientMessageType.Relay => "relay",
        ClientMessageType.Draw => "draw",
        ClientMessageType.Clear => "clear",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static TagList Tag(string key, string value) => new([new KeyValuePair<string, object?>(key, value)]);

    /// <summary>
    /// The totals added to per message and per snapshot, the receiving side's and the sending side's each on cache lines of
    /// their own (128 bytes apart, with at least 128 bytes before and after): the epoll loop's thread adds to the first two for every
    /// input while the pool's threads add to the other two for every snapshot, and as neighbours each add moved the line
    /// between the cores (docs/performance.md, issue 11, "Tenth pass").
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 512)]
    private struct Totals
    {
        /// <summary>Payload bytes of client frames read.</summary>
        [FieldOffset(128)] public long BytesReceived;

        /// <summary>Grain calls that carried inputs.</summary>
        [FieldOffset(136)] public long InputCalls;

        /// <summary>Payload bytes of frames sent.</summary>
        [FieldOffset(256)] public long BytesSent;

        /// <summary>Snapshots sent.</summary>
        [FieldOffset(264)] public long Snapshots;
    }
}
