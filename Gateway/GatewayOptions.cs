namespace Game.Gateway;

/// <summary>
/// The WebSocket gateway's limits and timeouts (configuration section <see cref="Section"/>).
/// Protocol limits come from shared protocol.md; change them only together with the clients.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Gateway";

    /// <summary>
    /// Largest client message accepted, in bytes of UTF-8. A larger one gets <c>error too_large</c> and the
    /// connection is closed with status 1009 (protocol.md). <value>Default: 4096 (4 KiB).</value>
    /// </summary>
    public int MaxFrameBytes { get; set; } = 4096;

    /// <summary>
    /// Most <c>input</c> messages accepted from one connection in any one-second window; the excess is dropped
    /// and answered with <c>error rate_limited</c> at most once per <see cref="RateLimitNoticeInterval"/>.
    /// <value>Default: 60.</value>
    /// </summary>
    public int MaxInputsPerSecond { get; set; } = 60;

    /// <summary>Least time between two <c>rate_limited</c> errors sent to one connection. <value>Default: 1 second.</value></summary>
    public TimeSpan RateLimitNoticeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reliable messages (replies and room events) that may wait to be sent to one connection. A client so far
    /// behind that the queue overflows is closed (status 1008). Snapshots (<c>map</c>) do not count: a slow client
    /// only ever has the newest one waiting. <value>Default: 256.</value>
    /// </summary>
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>
    /// How long a closing connection may take to send its last messages and finish the close handshake before
    /// it is aborted. <value>Default: 5 seconds.</value>
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Interval of the keep-alive frames (unsolicited pongs, RFC 6455's one-way heartbeat, as .NET's WebSocket sends them)
    /// that keep idle connections open through proxies. <value>Default: 30 seconds.</value>
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a new connection may take to send <c>hello</c>: one that has not sent it by then is closed with status
    /// 1008 (shared protocol.md v1.1, "Connections and operators"). A <c>hello</c> still being answered when the time is up
    /// is waited for. <value>Default: 10 seconds. Valid: 1 second to 10 minutes.</value>
    /// </summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most open WebSocket connections from one client IP address; an upgrade over it gets HTTP 429 before the WebSocket is
    /// accepted (this project's limit against one host holding many sockets; not in the contract). Behind a reverse proxy
    /// every client has the proxy's address, so raise it there. <value>Default: 64. Valid: 1–1,000,000.</value>
    /// </summary>
    public int MaxConnectionsPerIp { get; set; } = 64;

    /// <summary>
    /// Most connections, from all addresses, that are open but not yet welcomed (no <c>hello</c> answered); an upgrade over
    /// it gets HTTP 429 before the WebSocket is accepted (this project's limit, against floods of idle sockets; with
    /// <see cref="HelloTimeout"/> each holds a place at most that long). <value>Default: 1,000. Valid: 1–1,000,000.</value>
    /// </summary>
    public int MaxUngreetedConnections { get; set; } = 1_000;

    /// <summary>
    /// Origins besides the gateway's own from which browsers may open <c>/ws</c>, each as <c>scheme://host[:port]</c> (e.g.
    /// <c>https://game.example.com</c>). A request with an <c>Origin</c> header that is neither the gateway's own (same
    /// scheme, host and port as the request) nor listed gets HTTP 403; a request without <c>Origin</c> (not a browser:
    /// bots, the load tester) is not checked (shared protocol.md v1.1, "Connections and operators").
    /// <value>Default: empty (only the gateway's own origin).</value>
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Size of the blocks of Kestrel's memory pool, in bytes (<see cref="Connections.ConnectionMemoryPoolFactory"/>), used by
    /// Kestrel's socket transport: for players only when <see cref="DirectUpgrade"/> is off (the gateway's own transport
    /// holds no pool block per player, and the connections it hands to Kestrel use Kestrel's default pool). Each
    /// frame written and not yet sent holds at least one block, and the pool keeps what the last 10 s needed at once:
    /// smaller blocks hold less memory per player, larger ones split fewer frames (a frame over a block spans several).
    /// Below 2,048, Kestrel's socket reads (2 KiB each) no longer fit a block and take arrays from the shared array pool,
    /// which allocates under load. Kestrel's own is 4,096. <value>Default: 2,048. Valid: 512–4,096.</value>
    /// </summary>
    public int MemoryPoolBlockBytes { get; set; } = 2048;

    /// <summary>
    /// Whether the gateway's own transport (<see cref="Connections.GatewayTransport"/>) accepts TCP connections, serving a
    /// connection whose first request is a WebSocket upgrade of <c>/ws</c> straight on its socket and handing every other
    /// connection to Kestrel. Off, Kestrel's socket transport accepts them all and every upgrade goes through Kestrel's
    /// HTTP/1.1 layer. Both speak the same protocol and apply the same origin rule and caps; the direct one keeps no
    /// Kestrel connection, pipe or HTTP request per player (docs/performance.md, "Fourth pass": about 6 KiB less per player
    /// and less CPU). Upgrades over TLS terminated by Kestrel always go through HTTP. Read when Kestrel binds.
    /// <value>Default: true.</value>
    /// </summary>
    public bool DirectUpgrade { get; set; } = true;

    /// <summary>
    /// Threads of the epoll loops that serve the players' connections accepted by the gateway's own transport
    /// (<see cref="DirectUpgrade"/>), on Linux on x86-64 or arm64: each waits on its sockets' readiness and hands a
    /// message to its connection's receive loop on that thread, and each send is one <c>sendmsg</c> on the sender's
    /// thread (<see cref="Connections.Epoll.EpollWebSocket"/>; docs/performance.md, "Fifth pass"). 0, and elsewhere: .NET's
    /// WebSocket over its socket engine. Read when Kestrel binds. <value>Default: 1. Valid: 0–64.</value>
    /// </summary>
    public int IoThreads { get; set; } = 1;

    /// <summary>
    /// The least time between two waits of a busy epoll loop (<see cref="IoThreads"/>): after serving what one wait
    /// returned, the loop sleeps out the rest of this interval, so the next wait gathers every player that sent
    /// meanwhile and their inputs reach the rooms in one burst. An idle loop still serves a message the moment it comes;
    /// a busy one makes a message wait at most this long (docs/performance.md, "Sixth pass": with the rooms' tick grid,
    /// <c>Arena:TickPhases</c>, about an eighth less of the gateway's CPU at 800 players, and p99 input→ack about 1 ms
    /// longer). Zero: every readiness is served as it comes. Read when Kestrel binds.
    /// <value>Default: 1 ms. Valid: 0–10 ms.</value>
    /// </summary>
    public TimeSpan IoPollInterval { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Whether the players' sockets on the epoll loops (<see cref="IoThreads"/>) are read and written in Linux io_uring
    /// batches: a loop makes the first <c>recv</c> of every socket that one wait reported ready in one
    /// <c>io_uring_enter</c>, and a room feed sends a snapshot to all of its idle members in one, instead of one system
    /// call per socket (docs/performance.md, issue 11, "Sixteenth pass": each entry into this machine's kernel costs about
    /// 1 µs before it does any work). Where the kernel refuses a ring (before Linux 5.7, <c>kernel.io_uring_disabled</c>,
    /// a seccomp profile that filters it), every socket gets calls of its own, as with false, and that is logged once
    /// (events 1313 and 1315). Read when Kestrel binds. <value>Default: true.</value>
    /// </summary>
    public bool IoUring { get; set; } = true;

    /// <summary>
    /// How long before a ticking room's next tick (as estimated from the arrivals of its snapshots,
    /// <see cref="Feeds.RoomTickClock"/>) an epoll loop sends the inputs it has held for that tick, in one grain call per
    /// room: an input read earlier in the tick waits for that moment, one read later goes at the end of its loop pass, so
    /// that none waits for a later tick than it would have alone. Longer is safer for rooms on other silos (the call
    /// crosses the network); shorter leaves more inputs to go in calls of their own. Zero: nothing is held, every pass
    /// sends what it read (docs/performance.md, issue 11, "Eleventh pass"). Only for the epoll loops (<see cref="IoThreads"/>).
    /// A gateway that is a client of a cluster (<c>Cluster:Postgres</c> set) uses <see cref="ClusterInputBatchLead"/>
    /// unless configuration sets this.
    /// <value>Default: 6 ms co-hosting its silo; <see cref="ClusterInputBatchLead"/> as a cluster client. Valid: 0–25 ms.</value>
    /// </summary>
    public TimeSpan InputBatchLead { get; set; } = TimeSpan.FromMilliseconds(6);

    /// <summary>
    /// The <see cref="InputBatchLead"/> of a gateway that is a client of a cluster, where configuration does not set one.
    /// Its held inputs cross the network to the room's silo, and the snapshots it estimates the room's tick from came
    /// back the same way, so both ways' delays and their jitter must fit in the lead: a batch that reaches the room after
    /// its tick makes every input in it wait a whole period more (docs/performance.md, issue 11, "Twentieth pass": at
    /// 400 players on 1 silo + gateway, 6 ms put 0.8–5.5 % of the inputs over 75 ms and p99 at 68–102 ms; 20 ms, 0–0.8 %
    /// and 54–71 ms, for about 70 % more calls).
    /// <value>20 ms.</value>
    /// </summary>
    public static readonly TimeSpan ClusterInputBatchLead = TimeSpan.FromMilliseconds(20);
}
