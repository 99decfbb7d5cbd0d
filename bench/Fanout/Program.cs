using Orleans;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using Game.Streaming;

namespace Game.Bench.Fanout;

/// <summary>Command-line options (README.md).</summary>
internal sealed record Options(int Rooms, int Hz, int Seconds, int Warmup, int Payload, string[] Modes, int PollMs, int? Queues, double InputsPerTick)
{
    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            }

            map[args[i][2..]] = args[i + 1];
        }

        int Int(string name, int fallback) => map.Remove(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new Options(Int("rooms", 250), Int("hz", 20), Int("seconds", 20), Int("warmup", 5), Int("payload", 300),
            (map.Remove("mode", out var mode) ? mode : "all") switch
            {
                "stream" => ["stream"],
                "push" => ["push"],
                "observer" => ["observer"],
                "all" => ["stream", "push", "observer"],
                var other => throw new ArgumentException($"--mode stream|push|observer|all, got '{other}'"),
            },
            Int("poll-ms", 5), map.ContainsKey("queues") ? Int("queues", 0) : null,
            map.Remove("inputs-per-tick", out var inputs) ? double.Parse(inputs, CultureInfo.InvariantCulture) : 0);
        if (options.InputsPerTick is < 0 or > 100) throw new ArgumentException($"--inputs-per-tick must be 0–100, got {options.InputsPerTick}");
        return map.Count == 0 ? options : throw new ArgumentException($"unknown option(s): {string.Join(", ", map.Keys)}");
    }
}

/// <summary>One mode's measurement; also printed as a JSON line.</summary>
internal sealed record Result(string Mode, int Rooms, int Hz, int Seconds, int PayloadBytes, int? PollMs, int? Queues,
    double ExpectedPerSec, double SentPerSec, double ReceivedPerSec, double InputsPerTick, double InputCallsPerSec,
    double CpuPercentOfOneCore, double UserCpuPercentOfOneCore, double KernelCpuPercentOfOneCore, double AllocMBPerSec,
    int Gen0, int Gen1, int Gen2, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);

internal static class Program
{
    public const string StreamProvider = "Default";

    private static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine("usage: Fanout [--rooms 250] [--hz 20] [--seconds 20] [--warmup 5] [--payload 300] [--mode stream|push|observer|all] [--poll-ms 5] [--queues 8] [--inputs-per-tick 0]");
            return 2;
        }

        Console.WriteLine($"# Fan-out: {options.Rooms} rooms x {options.Hz} Hz, {options.Payload} B payload, {options.InputsPerTick} input calls per room tick, {options.Warmup} s warm-up + {options.Seconds} s, " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        var results = new List<Result>();
        foreach (var mode in options.Modes)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            results.Add(await RunAsync(mode, options));
        }

        Console.WriteLine();
        Console.WriteLine("| mode | poll ms | queues | items/s (expected) | input calls/s | CPU % of 1 core (user / kernel) | alloc MB/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"| {r.Mode} | {r.PollMs?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {r.Queues?.ToString(CultureInfo.InvariantCulture) ?? "–"} | {r.ReceivedPerSec:F0} ({r.ExpectedPerSec:F0}) | {r.InputCallsPerSec:F0} | {r.CpuPercentOfOneCore:F1} ({r.UserCpuPercentOfOneCore:F1} / {r.KernelCpuPercentOfOneCore:F1}) | {r.AllocMBPerSec:F1} | {r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {r.P999Ms:F2} | {r.MaxMs:F2} |"));
        }

        Console.WriteLine();
        var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        foreach (var r in results)
        {
            Console.WriteLine(JsonSerializer.Serialize(r, json));
        }

        return 0;
    }

    private static async Task<Result> RunAsync(string mode, Options o)
    {
        var useStream = mode is "stream" or "push";
        using var host = BuildHost(mode, o);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var client = host.Services.GetRequiredService<IClusterClient>();
        var recorder = new Recorder();
        var observers = new List<RoomObserver>(); // strong references: Orleans keeps only weak ones to observer objects
        var references = new List<IRoomObserver>();
        var rooms = Enumerable.Range(0, o.Rooms).Select(i => grains.GetGrain<IRoomGrain>(i)).ToArray();
        // The consumer answers each item with the room's inputs, as a gateway does between ticks: on average
        // InputsPerTick one-way calls per item, whole calls spread by a running remainder per room.
        var owed = new double[o.Rooms];
        var batch = new InputBatch(["p1", "p2", "p3", "p4", "p5"], [1, 2, 3, 4, 5]);
        void Receive(Item item)
        {
            recorder.Record(item);
            if (o.InputsPerTick == 0) return;
            ref var room = ref owed[item.Room];
            room += o.InputsPerTick;
            for (; room >= 1; room--) _ = rooms[item.Room].Inputs(batch);
        }

        for (var i = 0; i < rooms.Length; i++)
        {
            if (useStream)
            {
                var stream = client.GetStreamProvider(StreamProvider).GetStream<Item>(StreamId.Create("room", i));
                await stream.SubscribeAsync((item, _) =>
                {
                    Receive(item);
                    return Task.CompletedTask;
                });
            }
            else
            {
                var observer = new RoomObserver(Receive);
                observers.Add(observer);
                var reference = grains.CreateObjectReference<IRoomObserver>(observer);
                references.Add(reference);
                await rooms[i].Subscribe(reference);
            }
        }

        await Task.WhenAll(rooms.Select(r => r.Start(o.Hz, o.Payload, useStream)));
        Console.WriteLine($"[{mode}] {o.Rooms} rooms started; warm-up {o.Warmup} s, then measuring {o.Seconds} s");
        await Task.Delay(TimeSpan.FromSeconds(o.Warmup));

        var process = Process.GetCurrentProcess();
        var (cpu0, user0, alloc0, sent0, calls0) = (process.TotalProcessorTime, process.UserProcessorTime, GC.GetTotalAllocatedBytes(),
            Interlocked.Read(ref RoomGrain.Sent), Interlocked.Read(ref RoomGrain.InputCalls));
        var (g0, g1, g2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        recorder.Begin();
        await Task.Delay(TimeSpan.FromSeconds(o.Seconds));
        recorder.End();
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var user = (process.UserProcessorTime - user0).TotalSeconds;
        var calls = Interlocked.Read(ref RoomGrain.InputCalls) - calls0;
        var alloc = GC.GetTotalAllocatedBytes() - alloc0;
        var sent = Interlocked.Read(ref RoomGrain.Sent) - sent0;
        var gcs = (GC.CollectionCount(0) - g0, GC.CollectionCount(1) - g1, GC.CollectionCount(2) - g2);

        await Task.WhenAll(rooms.Select(r => r.Stop()));
        foreach (var reference in references)
        {
            grains.DeleteObjectReference<IRoomObserver>(reference);
        }

        GC.KeepAlive(observers);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await host.StopAsync(stop.Token);
        }

        return new Result(mode, o.Rooms, o.Hz, o.Seconds, o.Payload,
            mode == "stream" ? o.PollMs : null, mode == "stream" ? o.Queues ?? HashRingStreamQueueMapperOptions.DEFAULT_NUM_QUEUES : null,
            (double)o.Rooms * o.Hz, sent / wall, recorder.Received / wall, o.InputsPerTick, calls / wall,
            100 * cpu / wall, 100 * user / wall, 100 * (cpu - user) / wall, alloc / wall / 1e6,
            gcs.Item1, gcs.Item2, gcs.Item3,
            recorder.Ms(50), recorder.Ms(90), recorder.Ms(99), recorder.Ms(99.9), recorder.MaxMs);
    }

    private static IHost BuildHost(string mode, Options o)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            // Free ports, so a silo left over elsewhere on 11111/30000 cannot collide with ours.
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
            silo.AddMemoryGrainStorage("PubSubStore");
            if (mode == "push")
            {
                silo.AddPushStreams(StreamProvider); // the game's own provider (Streaming/)
                return;
            }
            if (mode != "stream")
            {
                return; // observer mode: no stream provider, so no idle pulling agents polling their queues
            }

            silo.AddMemoryStreams(StreamProvider, streams =>
            {
                streams.ConfigurePullingAgent(agent => agent.Configure(a => a.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(o.PollMs)));
                if (o.Queues is { } queues)
                {
                    streams.ConfigurePartitioning(queues);
                }
            });
        });
        return builder.Build();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
