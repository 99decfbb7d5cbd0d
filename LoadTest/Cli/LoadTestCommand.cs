using System.CommandLine;
using System.Globalization;

namespace Game.LoadTest.Cli;

/// <summary>The command line: parses the flags (System.CommandLine), runs a load test or an SLO search, prints the summary.</summary>
internal static class LoadTestCommand
{
    private const string DefaultUrl = "ws://127.0.0.1:5000/ws";

    public static async Task<int> InvokeAsync(string[] args)
    {
        var urls = new Option<string[]>("--url", "-u")
        {
            Description = $"Gateway WebSocket URL; repeat for several gateways (bots are spread round-robin). Default {DefaultUrl}",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var rooms = new Option<int>("--rooms", "-r") { Description = "Rooms (R). In --slo mode: the first step's rooms.", DefaultValueFactory = _ => 10 };
        var players = new Option<int>("--players", "-p") { Description = "Bots per room (P); the arena seats 8, pong exactly 2, relay up to 16, board up to 32 (default 8; 2 with --kind pong)." };
        var kind = new Option<string>("--kind")
        {
            Description = "Room kind the bots play: arena (inputs, input->ack), pong (2 players, inputs, input->ack), relay (relay to the others, " +
                "send->receive) or board (small draw strokes at most 30/s, send->echo of one's own stroke).",
            DefaultValueFactory = _ => "arena",
        };
        kind.AcceptOnlyFromAmong("arena", "pong", "relay", "board");
        var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds, after ramp-up and warm-up (default 30; 10 per step with --slo)." };
        var warmup = new Option<double>("--warmup", "-w") { Description = "Warm-up seconds after ramp-up, not counted (default 5; 3 per step with --slo)." };
        var linger = new Option<double>("--linger")
        {
            Description = "Seconds the bots play on after the measurement window, not counted, before they close (default 0): the server can be probed under load outside the window.",
        };
        var ramp = new Option<double>("--ramp") { Description = "Ramp-up rate, bots connected per second.", DefaultValueFactory = _ => 200 };
        var slo = new Option<bool>("--slo") { Description = "Capacity search: raise rooms until the SLO (every bot >= 19 snapshots/s and input->ack p99 <= 100 ms) breaks; report the last CCU that held." };
        var sloMax = new Option<int>("--slo-max-rooms") { Description = "Most rooms the --slo search tries.", DefaultValueFactory = _ => 1000 };
        var sloAttempts = new Option<int>("--slo-attempts") { Description = "Runs at one room count before --slo counts it as broken (a break is re-run; any held run holds).", DefaultValueFactory = _ => 2 };
        var report = new Option<string?>("--report") { Description = "Also write a Markdown report (parameters, figures, latency histogram) to this file." };
        var encoding = new Option<string>("--encoding") { Description = "Wire encoding: json, or binary (map and input as binary frames, negotiated in hello; docs/protocol-binary.md).", DefaultValueFactory = _ => "json" };
        encoding.AcceptOnlyFromAmong("json", "binary");
        var runId = new Option<string?>("--run-id") { Description = "Run id in room ids load-<run>-<n> (default: random)." };
        var rate = new Option<int>("--input-rate") { Description = "Inputs per bot per second.", DefaultValueFactory = _ => 20 };
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines even on a terminal (they are plain anyway when stdout is redirected)." };
        var clusterUrl = new Option<string?>("--cluster-url")
        {
            Description = "Cluster view to sample per silo (rooms, players, tick p99, CPU) during the window: an http(s) URL answering GET with {\"silos\":[...]}. " +
                "Default: the first --url's host and port, ws://h:p/ws -> http://h:p/cluster (wss -> https). A gateway without a cluster answers 404: no silos are reported.",
        };
        var noCluster = new Option<bool>("--no-cluster") { Description = "Do not sample the cluster view (no per-silo figures)." };
        var chaos = new Option<bool>("--chaos") { Description = "Chaos soak (Linux only): inject faults round robin into silo processes while the load runs, check invariants from the players' side." };
        var chaosPid = new Option<int[]>("--chaos-pid") { Description = "A silo process id to inject faults into (repeatable; never restarted).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var chaosCmd = new Option<string[]>("--chaos-cmd") { Description = "A command line that starts a silo (repeatable): the tester starts it, restarts it after kill/stop, stops it at the end.", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var chaosFaults = new Option<string>("--chaos-faults") { Description = "Faults, round robin: kill (SIGKILL), freeze (SIGSTOP, then SIGCONT), stop (SIGTERM).", DefaultValueFactory = _ => "kill,freeze,stop" };
        var chaosInterval = new Option<double>("--chaos-interval") { Description = "Seconds between faults.", DefaultValueFactory = _ => 60 };
        var freezeSeconds = new Option<double>("--freeze-seconds") { Description = "Seconds a frozen silo stays stopped.", DefaultValueFactory = _ => 12 };
        var pgOutage = new Option<double>("--pg-outage-seconds") { Description = "Add a PostgreSQL outage this long to the rotation (with --pg-stop-cmd and --pg-start-cmd)." };
        var pgStop = new Option<string?>("--pg-stop-cmd") { Description = "Command that stops PostgreSQL, e.g. \"pg_ctlcluster 15 main stop\"." };
        var pgStart = new Option<string?>("--pg-start-cmd") { Description = "Command that starts PostgreSQL again." };
        var chaosStartup = new Option<double>("--chaos-startup-seconds") { Description = "Seconds the silos of --chaos-cmd get to join the cluster before the bots connect.", DefaultValueFactory = _ => 15 };

        var root = new RootCommand(
            "Load tester for the game gateway: R rooms x P bots over real WebSockets (shared protocol.md), measuring input->ack latency, " +
            "snapshot rate, join latency, errors and disconnects. The last stdout line is a JSON summary.")
        {
            urls, rooms, players, kind, duration, warmup, linger, ramp, slo, sloMax, sloAttempts, report, encoding, runId, rate, plain, clusterUrl, noCluster,
            chaos, chaosPid, chaosCmd, chaosFaults, chaosInterval, freezeSeconds, pgOutage, pgStop, pgStart, chaosStartup,
        };

        root.SetAction((parse, _) => RunAsync(parse));

        // Ctrl+C is handled in RunAsync (stop the run, still print the summary), not by System.CommandLine.
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);

        async Task<int> RunAsync(ParseResult parse)
        {
            var isSlo = parse.GetValue(slo);
            var kindName = parse.GetValue(kind) ?? "arena";
            var chaosGiven = new Option[] { chaosPid, chaosCmd, chaosFaults, chaosInterval, freezeSeconds, pgOutage, pgStop, pgStart, chaosStartup }
                .Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
            var (chaosOptions, chaosErrors) = BuildChaos(
                parse.GetValue(chaos), isSlo, chaosGiven, parse.GetValue(chaosPid), parse.GetValue(chaosCmd), parse.GetValue(chaosFaults),
                parse.GetValue(chaosInterval), parse.GetValue(freezeSeconds), parse.GetValue(pgOutage), parse.GetValue(pgStop), parse.GetValue(pgStart),
                parse.GetValue(chaosStartup));
            var (settings, errors) = BuildSettings(
                parse.GetValue(urls),
                parse.GetValue(rooms),
                parse.GetResult(players) is null ? DefaultPlayers(kindName) : parse.GetValue(players),
                parse.GetResult(duration) is null ? (isSlo ? 10 : 30) : parse.GetValue(duration),
                parse.GetResult(warmup) is null ? (isSlo ? 3 : 5) : parse.GetValue(warmup),
                parse.GetValue(ramp),
                isSlo,
                parse.GetValue(sloMax),
                parse.GetValue(sloAttempts),
                parse.GetValue(report),
                parse.GetValue(encoding) ?? "json",
                parse.GetValue(runId),
                parse.GetValue(rate),
                parse.GetValue(plain),
                parse.GetValue(clusterUrl),
                parse.GetValue(noCluster),
                kindName,
                chaosOptions,
                parse.GetValue(linger));
            if (settings is null || chaosErrors.Count > 0)
            {
                foreach (var error in chaosErrors.Concat(errors).Distinct())
                {
                    await Console.Error.WriteLineAsync("error: " + error).ConfigureAwait(false);
                }
                await Console.Error.WriteLineAsync("Run with --help for usage.").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                if (!cancel.IsCancellationRequested)
                {
                    e.Cancel = true; // first Ctrl+C: stop and print what was measured; a second one ends the process
                    cancel.Cancel();
                }
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return await CliRunner.RunAsync(settings, cancel.Token).ConfigureAwait(false);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
    }

    internal static (CliSettings? Settings, IReadOnlyList<string> Errors) BuildSettings(
        string[]? urls, int rooms, int players, double durationS, double warmupS, double ramp, bool slo, int sloMaxRooms,
        int sloAttempts, string? reportPath, string encoding, string? runId, int inputRate, bool plain, string? clusterUrl = null, bool noCluster = false,
        string kind = "arena", ChaosOptions? chaos = null, double lingerS = 0)
    {
        var errors = new List<string>();
        if (!RoomKinds.TryParse(kind, out var roomKind))
        {
            errors.Add($"--kind '{kind}' is not a room kind (arena, pong, relay or board)");
        }
        else if (roomKind == RoomKind.Pong && players != 2)
        {
            errors.Add($"--kind pong: a pong room has exactly 2 players, so --players must be 2 (got {players})");
        }
        if (roomKind != RoomKind.Arena && encoding == "binary")
        {
            errors.Add($"--encoding binary is for --kind arena only (got --kind {kind}); other kinds speak json");
        }
        var parsed = new List<Uri>();
        foreach (var text in urls is { Length: > 0 } ? urls : [DefaultUrl])
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                parsed.Add(uri);
            }
            else
            {
                errors.Add($"'{text}' is not an absolute URL (e.g. {DefaultUrl})");
            }
        }
        if (!double.IsFinite(durationS) || !double.IsFinite(warmupS) || durationS > TimeSpan.MaxValue.TotalSeconds / 2 || warmupS > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            errors.Add("duration and warm-up must be finite numbers of seconds");
            durationS = 1;
            warmupS = 0;
        }
        if (!double.IsFinite(lingerS) || Math.Abs(lingerS) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            errors.Add("--linger must be a finite number of seconds");
            lingerS = 0;
        }
        Uri? cluster = null;
        if (clusterUrl is not null)
        {
            if (noCluster)
            {
                errors.Add("--cluster-url and --no-cluster exclude each other");
            }
            else if (!Uri.TryCreate(clusterUrl, UriKind.Absolute, out cluster) || (cluster.Scheme != Uri.UriSchemeHttp && cluster.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"--cluster-url '{clusterUrl}' is not an http:// or https:// URL (e.g. http://127.0.0.1:5000/cluster)");
                cluster = null;
            }
        }
        var run = new LoadRunOptions
        {
            Urls = parsed,
            Rooms = rooms,
            PlayersPerRoom = players,
            Duration = TimeSpan.FromSeconds(durationS),
            Warmup = TimeSpan.FromSeconds(warmupS),
            Linger = TimeSpan.FromSeconds(lingerS),
            RampPerSecond = ramp,
            InputRateHz = inputRate,
            Encoding = encoding == "binary" ? BotEncoding.Binary : BotEncoding.Json,
            Kind = roomKind,
            RunId = runId,
            SampleCluster = !noCluster,
            ClusterUrl = cluster,
            Chaos = chaos,
        };
        // The CLI said it in its own words above; keep the options' own messages for the rest.
        errors.AddRange(run.Validate().Where(e => !e.StartsWith("a pong room has exactly 2 players", StringComparison.Ordinal)
            && !e.StartsWith("the binary encoding is for arena rooms only", StringComparison.Ordinal)));
        if (slo)
        {
            errors.AddRange(new SloSearchOptions { StartRooms = Math.Max(1, rooms), MaxRooms = sloMaxRooms, Attempts = sloAttempts }.Validate());
        }
        if (reportPath is not null && string.IsNullOrWhiteSpace(reportPath))
        {
            errors.Add("--report needs a file path");
        }
        return errors.Count > 0
            ? (null, errors)
            : (new CliSettings(run, slo, sloMaxRooms, sloAttempts, reportPath, plain), errors);
    }

    /// <summary>The chaos soak's options from its flags (validated with the run, <see cref="LoadRunOptions.Validate"/>).</summary>
    /// <returns>The options (null without <c>--chaos</c>) and the errors of the flags themselves.</returns>
    internal static (ChaosOptions? Options, IReadOnlyList<string> Errors) BuildChaos(
        bool chaos, bool slo, IReadOnlyCollection<string> chaosFlagsGiven, int[]? pids, string[]? commands, string? faults,
        double intervalS, double freezeS, double pgOutageS, string? pgStop, string? pgStart, double startupS = 15)
    {
        var errors = new List<string>();
        if (!chaos)
        {
            if (chaosFlagsGiven.Count > 0)
            {
                errors.Add($"{string.Join(", ", chaosFlagsGiven)} go with --chaos");
            }
            return (null, errors);
        }
        if (slo)
        {
            errors.Add("--chaos and --slo exclude each other (a chaos soak is one long run)");
        }
        if (!ChaosFaults.TryParseList(faults ?? "kill,freeze,stop", out var list, out var error))
        {
            errors.Add(error!);
        }
        foreach (var (name, value) in new[] { ("--chaos-interval", intervalS), ("--freeze-seconds", freezeS), ("--pg-outage-seconds", pgOutageS), ("--chaos-startup-seconds", startupS) })
        {
            if (!double.IsFinite(value) || value < 0 || value > 86_400)
            {
                errors.Add($"{name} must be 0–86400 seconds (got {value.ToString(CultureInfo.InvariantCulture)})");
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new ChaosOptions
        {
            Pids = pids ?? [],
            Commands = commands ?? [],
            Faults = list,
            Interval = TimeSpan.FromSeconds(intervalS),
            FreezeDuration = TimeSpan.FromSeconds(freezeS),
            PgOutage = TimeSpan.FromSeconds(pgOutageS),
            PgStopCommand = pgStop,
            PgStartCommand = pgStart,
            StartupWait = TimeSpan.FromSeconds(startupS),
        }, errors);
    }

    /// <summary>Bots per room when <c>--players</c> is not given: 2 for pong (its rooms seat exactly 2), otherwise 8.</summary>
    internal static int DefaultPlayers(string kind) => kind == "pong" ? 2 : 8;

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
}
