namespace Game.LoadTest.Tests;

public sealed class OptionsAndSearchTests
{
    [Fact]
    public void Defaults_are_valid_once_a_url_is_given()
    {
        var options = new LoadRunOptions { Urls = [new Uri("ws://127.0.0.1:5000/ws")] };

        Assert.Empty(options.Validate());
        Assert.Equal(80, options.TotalBots);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Warmup);
        Assert.Equal(200, options.RampPerSecond);
    }

    [Fact]
    public void Invalid_options_are_each_reported()
    {
        var options = new LoadRunOptions
        {
            Urls = [new Uri("http://127.0.0.1/")],
            Rooms = 0,
            PlayersPerRoom = 0,
            Duration = TimeSpan.Zero,
            Warmup = TimeSpan.FromSeconds(-1),
            RampPerSecond = 0,
            RunId = "no spaces",
        };

        var errors = options.Validate();

        Assert.Equal(7, errors.Count);
        Assert.NotEmpty(new LoadRunOptions().Validate()); // no URL
    }

    [Fact]
    public async Task Running_with_invalid_options_throws_before_connecting()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => LoadRun.RunAsync(new LoadRunOptions { Rooms = 1 }));
    }

    [Fact]
    public void Room_ids_follow_the_load_run_pattern_and_fit_the_protocol()
    {
        var id = LoadRun.RoomId(LoadRun.NewRunId(), 999_999);

        Assert.Matches("^load-[a-z0-9]{6}-999999$", id);
        Assert.InRange(id.Length, 1, 32);
    }

    [Fact]
    public void Search_grows_geometrically_while_the_slo_holds()
    {
        var o = new SloSearchOptions { StartRooms = 10, MaxRooms = 100 };

        Assert.Equal(20, SloSearch.NextRooms(held: 10, broken: null, current: 10, o));
        Assert.Equal(100, SloSearch.NextRooms(held: 80, broken: null, current: 80, o)); // capped
        Assert.Null(SloSearch.NextRooms(held: 100, broken: null, current: 100, o));     // at the maximum: done
    }

    [Fact]
    public void Search_bisects_between_held_and_broken_until_close_enough()
    {
        var o = new SloSearchOptions { Resolution = 0.05 };

        Assert.Equal(60, SloSearch.NextRooms(held: 40, broken: 80, current: 80, o));
        Assert.Equal(50, SloSearch.NextRooms(held: 40, broken: 60, current: 60, o));
        Assert.Null(SloSearch.NextRooms(held: 40, broken: 42, current: 42, o)); // within 5 %
        Assert.Equal(5, SloSearch.NextRooms(held: 0, broken: 10, current: 10, o)); // first step broke: go down
        Assert.Null(SloSearch.NextRooms(held: 0, broken: 1, current: 1, o));
    }

    [Fact]
    public void Cli_rejects_bad_urls_as_usage_errors_and_accepts_the_binary_encoding()
    {
        var (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            ["not a url", "ws://127.0.0.1:5000/ws"], 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "binary", null, 20, plain: true);

        Assert.Null(settings);
        Assert.Equal(["'not a url' is not an absolute URL (e.g. ws://127.0.0.1:5000/ws)"], errors);

        (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            ["ws://127.0.0.1:5000/ws"], 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "binary", null, 20, plain: true);
        Assert.Empty(errors);
        Assert.Equal(BotEncoding.Binary, settings!.Run.Encoding);
    }

    [Fact]
    public void Cli_takes_a_linger_and_refuses_a_negative_or_endless_one()
    {
        var (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            null, 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "json", null, 20, plain: true, lingerS: 4);
        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(4), settings!.Run.Linger);

        (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            null, 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "json", null, 20, plain: true, lingerS: -1);
        Assert.Null(settings);
        Assert.Equal(["linger must not be negative (got -1 s)"], errors);

        (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            null, 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "json", null, 20, plain: true, lingerS: double.PositiveInfinity);
        Assert.Null(settings);
        Assert.Equal(["--linger must be a finite number of seconds"], errors);
    }

    [Fact]
    public void Cli_defaults_to_one_local_gateway()
    {
        var (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            null, 50, 8, 30, 5, 200, slo: false, 1000, 2, "out.md", "json", null, 20, plain: false);

        Assert.Empty(errors);
        Assert.Equal([new Uri("ws://127.0.0.1:5000/ws")], settings!.Run.Urls);
        Assert.Equal(400, settings.Run.TotalBots);
        Assert.Equal("out.md", settings.ReportPath);
    }

    [Fact]
    public void Cli_samples_the_first_gateways_cluster_view_unless_told_otherwise()
    {
        var (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            ["ws://127.0.0.1:5001/ws", "ws://127.0.0.1:5002/ws"], 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "json", null, 20, plain: true);
        Assert.Empty(errors);
        Assert.Equal(new Uri("http://127.0.0.1:5001/cluster"), settings!.Run.ResolveClusterUrl());

        (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            null, 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "json", null, 20, plain: true, clusterUrl: "http://10.0.0.2:6000/cluster");
        Assert.Empty(errors);
        Assert.Equal(new Uri("http://10.0.0.2:6000/cluster"), settings!.Run.ResolveClusterUrl());

        (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            null, 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "json", null, 20, plain: true, noCluster: true);
        Assert.Empty(errors);
        Assert.Null(settings!.Run.ResolveClusterUrl());
    }

    [Theory]
    [InlineData("ws://127.0.0.1:5000/cluster", false)]
    [InlineData("/cluster", false)]
    [InlineData("http://127.0.0.1:5000/cluster", true)]
    public void Cli_rejects_a_bad_cluster_url_or_one_given_with_no_cluster(string clusterUrl, bool noCluster)
    {
        var (settings, errors) = Cli.LoadTestCommand.BuildSettings(
            null, 1, 8, 10, 1, 100, slo: false, 1000, 2, null, "json", null, 20, plain: true, clusterUrl, noCluster);

        Assert.Null(settings);
        Assert.Single(errors);
        Assert.Contains("cluster", errors[0], StringComparison.Ordinal);
    }
}
