namespace Game.LoadTest;

/// <summary>What one load run does: how many bots, against which gateways, for how long.</summary>
/// <remarks>
/// Timeline of a run: ramp-up (bots connect at <see cref="RampPerSecond"/>), then <see cref="Warmup"/> (figures not
/// counted), then the measurement window of <see cref="Duration"/>, then the bots close. Bot i joins room
/// <c>load-&lt;run&gt;-&lt;i / PlayersPerRoom&gt;</c> through gateway <c>Urls[i % Urls.Count]</c> (round-robin).
/// </remarks>
public sealed record LoadRunOptions
{
    /// <summary>Gateway WebSocket endpoints, e.g. <c>ws://127.0.0.1:5000/ws</c>; bots are spread round-robin. At least one; ws or wss.</summary>
    /// <value>Default: empty (must be set).</value>
    public IReadOnlyList<Uri> Urls { get; init; } = [];

    /// <summary>Number of rooms (R).</summary>
    /// <value>Default 10. At least 1.</value>
    public int Rooms { get; init; } = 10;

    /// <summary>Bots per room (P). The arena seats 8 (shared protocol.md); more makes the extra bots fail with <c>room_full</c>.</summary>
    /// <value>Default 8. At least 1.</value>
    public int PlayersPerRoom { get; init; } = 8;

    /// <summary>Length of the measurement window, after ramp-up and warm-up.</summary>
    /// <value>Default 30 s. More than zero.</value>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time after ramp-up whose figures are not counted (rooms settle, JIT warms up).</summary>
    /// <value>Default 5 s. Zero or more.</value>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the bots go on playing after the measurement window closes, before they close (<see cref="LoadPhase.Lingering"/>):
    /// nothing in it is counted. Lets a caller probe the server under load outside the window.
    /// </summary>
    /// <value>Default zero (the bots close at the window's end). Zero or more.</value>
    public TimeSpan Linger { get; init; }

    /// <summary>Ramp-up rate: bots started per second.</summary>
    /// <value>Default 200 bots/s. More than zero.</value>
    public double RampPerSecond { get; init; } = 200;

    /// <summary>Inputs each bot sends per second.</summary>
    /// <value>Default 20 Hz (the arena tick rate). 1–100.</value>
    public int InputRateHz { get; init; } = 20;

    /// <summary>The room kind every bot plays (<c>join</c> with <c>kind</c>; what it sends and measures, <see cref="RoomKind"/>).</summary>
    /// <value>Default <see cref="RoomKind.Arena"/>. Pong needs <see cref="PlayersPerRoom"/> 2; kinds other than arena need the JSON encoding.</value>
    public RoomKind Kind { get; init; } = RoomKind.Arena;

    /// <summary>The wire encoding.</summary>
    /// <value>Default <see cref="BotEncoding.Json"/>; <see cref="BotEncoding.Binary"/> negotiates the binary encoding (docs/protocol-binary.md).</value>
    public BotEncoding Encoding { get; init; } = BotEncoding.Json;

    /// <summary>The run id in room ids (<c>load-&lt;run&gt;-&lt;n&gt;</c>); 1–12 chars of <c>[A-Za-z0-9]</c>.</summary>
    /// <value>Default null: 6 random lowercase letters and digits, so runs never share rooms.</value>
    public string? RunId { get; init; }

    /// <summary>Longest time for one bot's connect + hello + join.</summary>
    /// <value>Default 15 s.</value>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for the close handshakes at the end of the run.</summary>
    /// <value>Default 5 s.</value>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often <see cref="Progress"/> is called.</summary>
    /// <value>Default 1 s.</value>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Called every <see cref="ProgressInterval"/> with live figures (from a background thread); exceptions it throws are ignored.</summary>
    /// <value>Default null: no progress.</value>
    public Action<LoadProgress>? Progress { get; init; }

    /// <summary>The clock.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether to sample the cluster's per-silo figures (<c>GET /cluster</c>) during the measurement window and report them in
    /// <see cref="LoadSummary.Silos"/>. A gateway that is not part of a cluster answers 404: the run then reports no silos.
    /// </summary>
    /// <value>Default true.</value>
    public bool SampleCluster { get; init; } = true;

    /// <summary>The gateway's cluster view, an absolute http or https URL answering <c>GET</c> with <c>{"silos":[…]}</c>.</summary>
    /// <value>Default null: derived from the first of <see cref="Urls"/>, same host and port (<c>ws://h:p/ws</c> → <c>http://h:p/cluster</c>, <c>wss</c> → <c>https</c>).</value>
    public Uri? ClusterUrl { get; init; }

    /// <summary>
    /// How often the cluster view is sampled while the window is open; never less often than once in the window's middle.
    /// One more sample is taken when the window closes, before the bots leave.
    /// </summary>
    /// <value>Default 2 s. More than zero.</value>
    public TimeSpan ClusterSampleInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait for one cluster sample (connect included); a sample that takes longer counts as failed.</summary>
    /// <value>Default 2 s. More than zero.</value>
    public TimeSpan ClusterSampleTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A chaos soak while the window is open (<c>--chaos</c>): faults injected into silo processes and invariants
    /// checked from the players' side (<see cref="ChaosOptions"/>; Linux only), reported in <see cref="LoadSummary.Chaos"/>.</summary>
    /// <value>Default null: no chaos.</value>
    public ChaosOptions? Chaos { get; init; }

    /// <summary>The number of bots: <see cref="Rooms"/> × <see cref="PlayersPerRoom"/>.</summary>
    public int TotalBots => Rooms * PlayersPerRoom;

    /// <summary>Messages per bot per second really sent: <see cref="InputRateHz"/>, at most 30 for board (<c>draw</c>'s limit) and 60 for relay.</summary>
    public int SendRateHz => Kind.SendRateHz(InputRateHz);

    /// <summary>Checks every option.</summary>
    /// <returns>One human-readable message per invalid option; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Urls is null || Urls.Count == 0)
        {
            errors.Add("at least one gateway URL is required (e.g. ws://127.0.0.1:5000/ws)");
        }
        else
        {
            foreach (var url in Urls)
            {
                if (url is null || !url.IsAbsoluteUri || (url.Scheme != "ws" && url.Scheme != "wss"))
                {
                    errors.Add($"'{url}' is not a ws:// or wss:// URL");
                }
            }
        }
        if (Rooms < 1)
        {
            errors.Add($"rooms must be at least 1 (got {Rooms})");
        }
        if (PlayersPerRoom < 1)
        {
            errors.Add($"players per room must be at least 1 (got {PlayersPerRoom})");
        }
        if ((long)Rooms * PlayersPerRoom > 1_000_000)
        {
            errors.Add("rooms × players must be at most 1,000,000");
        }
        if (Duration <= TimeSpan.Zero)
        {
            errors.Add($"duration must be more than zero (got {Duration.TotalSeconds} s)");
        }
        if (Warmup < TimeSpan.Zero)
        {
            errors.Add($"warm-up must not be negative (got {Warmup.TotalSeconds} s)");
        }
        if (Linger < TimeSpan.Zero)
        {
            errors.Add($"linger must not be negative (got {Linger.TotalSeconds} s)");
        }
        if (!(RampPerSecond > 0) || double.IsInfinity(RampPerSecond))
        {
            errors.Add($"ramp must be a positive number of bots per second (got {RampPerSecond})");
        }
        if (InputRateHz is < 1 or > 100)
        {
            errors.Add($"input rate must be 1–100 Hz (got {InputRateHz})");
        }
        if (!Enum.IsDefined(Kind))
        {
            errors.Add($"unknown room kind {(int)Kind}");
        }
        if (Kind == RoomKind.Pong && PlayersPerRoom != 2)
        {
            errors.Add($"a pong room has exactly 2 players: players per room must be 2 with kind pong (got {PlayersPerRoom})");
        }
        if (Kind != RoomKind.Arena && Encoding != BotEncoding.Json)
        {
            errors.Add($"the binary encoding is for arena rooms only (got kind {Kind.WireName()}); use the json encoding");
        }
        if (RunId is not null && (RunId.Length is < 1 or > 12 || !RunId.All(char.IsAsciiLetterOrDigit)))
        {
            errors.Add($"run id must be 1–12 ASCII letters or digits (got '{RunId}')");
        }
        if (HandshakeTimeout <= TimeSpan.Zero || CloseTimeout <= TimeSpan.Zero || ProgressInterval <= TimeSpan.Zero)
        {
            errors.Add("timeouts and the progress interval must be more than zero");
        }
        if (ClusterUrl is not null && (!ClusterUrl.IsAbsoluteUri || (ClusterUrl.Scheme != Uri.UriSchemeHttp && ClusterUrl.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"the cluster URL '{ClusterUrl}' is not an http:// or https:// URL");
        }
        if (ClusterSampleInterval <= TimeSpan.Zero || ClusterSampleTimeout <= TimeSpan.Zero)
        {
            errors.Add("the cluster sample interval and timeout must be more than zero");
        }
        if (Chaos is not null)
        {
            errors.AddRange(Chaos.Validate(Duration));
        }
        return errors;
    }

    /// <summary>The cluster view this run samples: <see cref="ClusterUrl"/>, or the one derived from the first gateway URL.</summary>
    /// <returns>The URL, or null when <see cref="SampleCluster"/> is off or there is no gateway URL.</returns>
    internal Uri? ResolveClusterUrl() =>
        !SampleCluster ? null : ClusterUrl ?? (Urls is { Count: > 0 } && Urls[0] is { IsAbsoluteUri: true } first ? ClusterUrlFor(first) : null);

    /// <summary>The cluster view of the gateway at <paramref name="gatewayUrl"/>: same host and port, path <c>/cluster</c>; ws → http, wss → https.</summary>
    /// <param name="gatewayUrl">A gateway's WebSocket URL, e.g. <c>ws://127.0.0.1:5000/ws</c>.</param>
    /// <returns>E.g. <c>http://127.0.0.1:5000/cluster</c>.</returns>
    public static Uri ClusterUrlFor(Uri gatewayUrl)
    {
        ArgumentNullException.ThrowIfNull(gatewayUrl);
        var secure = gatewayUrl.Scheme is "wss" or "https";
        return new UriBuilder(gatewayUrl)
        {
            Scheme = secure ? Uri.UriSchemeHttps : Uri.UriSchemeHttp,
            Port = gatewayUrl.Port,
            Path = "/cluster",
            Query = "",
            Fragment = "",
        }.Uri;
    }
}
