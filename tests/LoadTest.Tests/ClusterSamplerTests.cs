using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Game.LoadTest.Tests;

/// <summary>The <c>/cluster</c> sampler against a fake HTTP handler: parsing, per-silo aggregation, and when it gives up.</summary>
public sealed class ClusterSamplerTests
{
    private static readonly Uri Url = new("http://127.0.0.1:5000/cluster");

    [Fact]
    public async Task Keeps_every_silo_with_its_last_figures_and_the_mean_of_its_cpu_readings()
    {
        using var handler = new FakeHandler(n => Json(FakeClusterServer.Answer(n)));
        using var sampler = NewSampler(handler);

        await sampler.SampleAsync(CancellationToken.None);
        await sampler.SampleAsync(CancellationToken.None);

        Assert.Equal(2, sampler.Samples);
        Assert.Equal(0, sampler.Failures);
        var silos = sampler.Summarize();
        Assert.Equal(["silo-a", "silo-b", "silo-c"], silos.Select(s => s.Name));
        var a = silos[0];
        Assert.Equal(("127.0.0.1:11111@1", "active", 2, 8, 4.5), (a.Address, a.Status, a.Rooms, a.Players, a.TickP99Ms));
        Assert.Equal(40.0, a.CpuPercent); // mean of 30 and 50
        Assert.Equal(9.5, a.TickLateP99MsMax); // the worst of 9.5 and 2: a late spell is not averaged away
        Assert.Equal(2, a.Samples);
        Assert.Equal(12.5, silos[1].CpuPercent);
        Assert.Null(silos[2].CpuPercent); // the server did not report it
        Assert.Null(silos[2].TickLateP99MsMax);
        Assert.Equal(silos, sampler.Current);
    }

    [Fact]
    public async Task A_silo_that_leaves_keeps_its_last_figures_and_a_new_one_is_added()
    {
        var answers = new[]
        {
            """{"silos":[{"address":"a@1","name":"a","status":"active","rooms":3,"players":9,"cpuPercent":20}]}""",
            """{"silos":[{"address":"a@1","name":"a","status":"dead","rooms":0,"players":0},{"address":"b@2","name":"","status":"active","rooms":3,"players":9,"cpuPercent":60}]}""",
        };
        using var handler = new FakeHandler(n => Json(answers[n - 1]));
        using var sampler = NewSampler(handler);

        await sampler.SampleAsync(CancellationToken.None);
        await sampler.SampleAsync(CancellationToken.None);

        var silos = sampler.Summarize();
        Assert.Equal(2, silos.Count);
        Assert.Equal(("a", "dead", 0, 20.0, 2), (silos[0].Label, silos[0].Status, silos[0].Rooms, silos[0].CpuPercent, silos[0].Samples));
        Assert.Equal(("b@2", 3, 60.0, 1), (silos[1].Label, silos[1].Rooms, silos[1].CpuPercent, silos[1].Samples)); // no name: labelled by address
    }

    [Fact]
    public async Task A_gateway_without_a_cluster_answers_404_and_sampling_stops_without_a_failure()
    {
        using var handler = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        using var sampler = NewSampler(handler);

        await sampler.SampleAsync(CancellationToken.None);
        await sampler.SampleAsync(CancellationToken.None);

        Assert.True(sampler.Stopped, "a 404 on the first probe should stop sampling");
        Assert.Equal(1, handler.Calls);
        Assert.Equal(0, sampler.Failures);
        Assert.Empty(sampler.Summarize());
    }

    [Fact]
    public async Task A_refused_first_connection_stops_sampling_and_counts_one_failure()
    {
        using var handler = new FakeHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));
        using var sampler = NewSampler(handler);

        await sampler.SampleAsync(CancellationToken.None);
        await sampler.SampleAsync(CancellationToken.None);

        Assert.True(sampler.Stopped, "a refused first probe should stop sampling");
        Assert.Equal(1, handler.Calls);
        Assert.Equal(1, sampler.Failures);
        Assert.Empty(sampler.Summarize());
    }

    [Fact]
    public async Task Error_statuses_and_unreadable_answers_are_counted_and_sampling_goes_on()
    {
        var answers = new Func<HttpResponseMessage>[]
        {
            () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            () => Json("not json"),
            () => Json("""{"version":1}"""),
            () => new HttpResponseMessage(HttpStatusCode.NotFound), // a 404 after the first probe is a failure, not "no cluster"
            () => Json("""{"silos":[{"name":"no address"},{"address":"x@1","rooms":"many","tickP99Ms":null}]}"""),
        };
        using var handler = new FakeHandler(n => answers[n - 1]());
        using var sampler = NewSampler(handler);

        for (var i = 0; i < answers.Length; i++)
        {
            await sampler.SampleAsync(CancellationToken.None);
        }

        Assert.False(sampler.Stopped);
        Assert.Equal(4, sampler.Failures);
        Assert.Equal(1, sampler.Samples);
        var silo = Assert.Single(sampler.Summarize());
        Assert.Equal(("x@1", "", 0, (double?)null, (double?)null), (silo.Address, silo.Status, silo.Rooms, silo.TickP99Ms, silo.CpuPercent));
    }

    [Fact]
    public async Task A_sample_cancelled_by_the_run_is_neither_a_sample_nor_a_failure()
    {
        using var cancel = new CancellationTokenSource();
        using var handler = new FakeHandler(_ =>
        {
            cancel.Cancel();
            throw new TaskCanceledException();
        });
        using var sampler = NewSampler(handler);

        await sampler.SampleAsync(cancel.Token);

        Assert.Equal((0, 0, false), (sampler.Samples, sampler.Failures, sampler.Stopped));
    }

    [Theory]
    [InlineData("ws://127.0.0.1:5000/ws", "http://127.0.0.1:5000/cluster")]
    [InlineData("wss://game.example:8443/ws?x=1", "https://game.example:8443/cluster")]
    [InlineData("ws://game.example/ws", "http://game.example/cluster")]
    [InlineData("wss://game.example/ws", "https://game.example/cluster")]
    public void The_cluster_url_is_derived_from_the_gateway_url(string ws, string expected)
    {
        Assert.Equal(new Uri(expected), LoadRunOptions.ClusterUrlFor(new Uri(ws)));
    }

    [Fact]
    public void The_first_gateway_is_sampled_unless_a_cluster_url_is_given_or_sampling_is_off()
    {
        var options = new LoadRunOptions { Urls = [new Uri("ws://127.0.0.1:5001/ws"), new Uri("ws://127.0.0.1:5002/ws")] };

        Assert.Equal(new Uri("http://127.0.0.1:5001/cluster"), options.ResolveClusterUrl());
        Assert.Equal(new Uri("http://10.0.0.1:9/c"), (options with { ClusterUrl = new Uri("http://10.0.0.1:9/c") }).ResolveClusterUrl());
        Assert.Null((options with { SampleCluster = false }).ResolveClusterUrl());
        Assert.Single((options with { ClusterUrl = new Uri("ws://127.0.0.1:1/cluster") }).Validate());
        Assert.Single((options with { ClusterSampleInterval = TimeSpan.Zero }).Validate());
    }

    private static ClusterSampler NewSampler(HttpMessageHandler handler) =>
        new(Url, TimeSpan.FromSeconds(30), TimeProvider.System, handler, disposeHandler: false);

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Answers request n (from 1) with <c>answer(n)</c> and counts the requests.</summary>
    private sealed class FakeHandler(Func<int, HttpResponseMessage> answer) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal(Url, request.RequestUri);
            return Task.FromResult(answer(Interlocked.Increment(ref _calls)));
        }
    }
}
