using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Game.Gateway;
using Microsoft.AspNetCore.Builder;

namespace Game.LoadTest.Tests;

/// <summary>
/// Per-silo reporting: short load runs against a real in-process gateway (single process, so its own <c>/cluster</c>
/// answers 404), sampling a fake cluster view with three silos, the gateway itself, or nothing at all.
/// </summary>
public sealed class ClusterReportingTests : IAsyncLifetime
{
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(90);
    private WebApplication? _gateway;
    private FakeClusterServer? _cluster;
    private Uri _ws = null!;

    public async Task InitializeAsync()
    {
        _gateway = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await _gateway.StartAsync();
        _ws = new Uri($"ws://{new Uri(_gateway.Urls.Single()).Authority}/ws");
        _cluster = await FakeClusterServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }
    }

    private LoadRunOptions Run(Uri? clusterUrl) => new()
    {
        Urls = [_ws],
        Rooms = 1,
        PlayersPerRoom = 2,
        Duration = TimeSpan.FromSeconds(2),
        Warmup = TimeSpan.Zero,
        ClusterUrl = clusterUrl,
    };

    [Fact]
    public async Task A_cluster_views_silos_reach_the_summary_json_and_the_report()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var progress = new List<LoadProgress>();

        var result = await LoadRun.RunAsync(Run(_cluster!.Url) with { Progress = p => { lock (progress) progress.Add(p); } }, deadline.Token);

        var s = result.Summary;
        Assert.False(s.Cancelled, $"the load run did not finish within {RunDeadline.TotalSeconds} s");
        Assert.True(s.Ccu == 2, $"only {s.Ccu} of 2 bots were playing at the end");
        Assert.True(_cluster.Requests >= 1, "the fake /cluster was never asked");
        Assert.InRange(s.ClusterSamples, 1, _cluster.Requests); // a request the window's close cut short is not a sample
        Assert.Equal(0, s.ClusterSampleFailures);
        Assert.Equal(["silo-a", "silo-b", "silo-c"], s.Silos.Select(x => x.Name));
        var a = s.Silos[0];
        Assert.Equal(("127.0.0.1:11111@1", "active", 2, 8, 4.5), (a.Address, a.Status, a.Rooms, a.Players, a.TickP99Ms));
        Assert.InRange(a.CpuPercent!.Value, 30, 50); // the mean of however many samples fell in the window
        Assert.Equal(s.ClusterSamples, a.Samples);
        Assert.Null(s.Silos[2].CpuPercent);
        Assert.Equal(_cluster.Url, result.Options.ClusterUrl);

        using var json = JsonDocument.Parse(s.ToJson());
        var silos = json.RootElement.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(["silo-a", "silo-b", "silo-c"], silos.Select(x => x.GetProperty("name").GetString()));
        Assert.Equal(1, silos[1].GetProperty("rooms").GetInt32());
        Assert.Equal(12.5, silos[1].GetProperty("cpu_pct").GetDouble());
        Assert.Equal(JsonValueKind.Null, silos[2].GetProperty("cpu_pct").ValueKind);

        var report = MarkdownReport.Render(result);
        Assert.Contains("## Per silo", report, StringComparison.Ordinal);
        Assert.Contains("| silo-b | `127.0.0.1:11112@2` | active | 1 | 4 | 3.25 | — | 12.5 |", report, StringComparison.Ordinal);
        Assert.Contains("| silo-c | `127.0.0.1:11113@3` | joining | 0 | 0 | 0 | — | — |", report, StringComparison.Ordinal);
        Assert.Matches(@"\| silo-a \| `127\.0\.0\.1:11111@1` \| active \| 2 \| 8 \| 4\.5 \| (9\.5|2) \| ", report); // the worst sample's lateness

        var lines = s.Silos.Select(Cli.PlainProgressView.FormatSilo).ToList();
        Assert.Equal("silo silo-b (127.0.0.1:11112@2) active: rooms 1 players 4 tick p99 3.3 ms cpu 13%", lines[1]);
        Assert.Equal("silo silo-c (127.0.0.1:11113@3) joining: rooms 0 players 0 tick p99 0.0 ms cpu -", lines[2]);
        lock (progress)
        {
            Assert.All(progress.Where(p => p.Phase != LoadPhase.Measuring && p.Phase != LoadPhase.Stopping), p => Assert.Empty(p.Silos));
        }
    }

    [Fact]
    public async Task A_gateway_without_a_cluster_answers_404_and_the_run_reports_no_silos()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);

        var result = await LoadRun.RunAsync(Run(clusterUrl: null), deadline.Token); // derived: the gateway's own /cluster

        var s = result.Summary;
        Assert.False(s.Cancelled, $"the load run did not finish within {RunDeadline.TotalSeconds} s");
        Assert.Equal(new Uri($"http://{_ws.Authority}/cluster"), result.Options.ClusterUrl);
        Assert.Equal(2, s.Ccu);
        Assert.Empty(s.Silos);
        Assert.Equal((0, 0), (s.ClusterSamples, s.ClusterSampleFailures));
        using var json = JsonDocument.Parse(s.ToJson());
        Assert.False(json.RootElement.TryGetProperty("silos", out _), "a run without a cluster should have no silos field");
        Assert.False(json.RootElement.TryGetProperty("cluster_sample_failures", out _), "a 404 is not a failed sample");
        Assert.DoesNotContain("Per silo", MarkdownReport.Render(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cluster_view_does_not_fail_the_run()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: the probe is refused

        var result = await LoadRun.RunAsync(Run(new Uri($"http://127.0.0.1:{port}/cluster")), deadline.Token);

        var s = result.Summary;
        Assert.False(s.Cancelled, $"the load run did not finish within {RunDeadline.TotalSeconds} s");
        Assert.True(s.Ccu == 2 && s.Errors == 0 && s.Disconnects == 0, $"the run suffered: {s.ToJson()}");
        Assert.Empty(s.Silos);
        Assert.Equal(1, s.ClusterSampleFailures); // the first probe was refused, then sampling stopped
        using var json = JsonDocument.Parse(s.ToJson());
        Assert.False(json.RootElement.TryGetProperty("silos", out _));
    }

    [Fact]
    public async Task Sampling_can_be_turned_off()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);

        var result = await LoadRun.RunAsync(Run(_cluster!.Url) with { SampleCluster = false }, deadline.Token);

        Assert.Equal(2, result.Summary.Ccu);
        Assert.Equal(0, _cluster.Requests);
        Assert.Empty(result.Summary.Silos);
    }

    [Fact]
    public async Task Each_slo_step_carries_its_silos()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var lenient = new SloCriteria(MinSnapshotsPerSecond: 0, MaxP99Ms: 1e9, MinInputShare: 0);
        var run = Run(_cluster!.Url) with { Duration = TimeSpan.FromSeconds(1) };

        var search = await SloSearch.RunAsync(run, new SloSearchOptions { StartRooms = 1, MaxRooms = 2, Pause = TimeSpan.Zero, Criteria = lenient }, deadline.Token);

        Assert.Equal([1, 2], search.Steps.Select(s => s.Rooms));
        Assert.All(search.Steps, step => Assert.Equal(3, step.Result.Summary.Silos.Count));
        Assert.Equal(3, search.FinalSummary()!.Silos.Count);
        var line = Cli.PlainProgressView.FormatStep(search.Steps[0]);
        Assert.Contains("silo silo-a (127.0.0.1:11111@1) active: rooms 2", line, StringComparison.Ordinal);
        var report = MarkdownReport.Render(search.Best!.Result, search);
        Assert.Contains("silos (rooms, CPU %)", report, StringComparison.Ordinal);
        Assert.Contains("silo-b: 1 rooms, 13 % CPU", report, StringComparison.Ordinal);
    }
}
