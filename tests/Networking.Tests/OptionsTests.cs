using Game.Runtime;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Networking;
using Microsoft.Extensions.Options;

namespace Game.Networking.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var listener = new SiloListenerOptions();
        Assert.Equal(0, listener.Port);
        Assert.Equal("127.0.0.1", listener.Host);
        Assert.Null(listener.AdvertisedHost);
        var networking = new ClusterNetworkingOptions();
        Assert.Equal(4096, networking.SendQueueCapacity);
        Assert.Equal(TimeSpan.FromSeconds(5), networking.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), networking.ReconnectBackoffMax);
        Assert.Equal(16 * 1024 * 1024, networking.MaxFrameBytes);

        var validator = new NetworkingOptionsValidator();
        Assert.True(validator.Validate(null, listener).Succeeded);
        Assert.True(validator.Validate(null, networking).Succeeded);
    }

    [Theory]
    [InlineData(-1, "127.0.0.1", null)]
    [InlineData(70000, "127.0.0.1", null)]
    [InlineData(0, "", null)]
    [InlineData(0, "0.0.0.0", null)]
    [InlineData(0, "::", null)]
    [InlineData(0, "127.0.0.1", " ")]
    public void Listener_options_that_cannot_work_are_rejected(int port, string host, string? advertised)
    {
        var result = new NetworkingOptionsValidator().Validate(null, new SiloListenerOptions { Port = port, Host = host, AdvertisedHost = advertised });
        Assert.True(result.Failed);
        Assert.Contains("Silo:", result.FailureMessage);
    }

    [Fact]
    public void A_wildcard_host_works_with_an_advertised_host()
        => Assert.True(new NetworkingOptionsValidator().Validate(null, new SiloListenerOptions { Host = "0.0.0.0", AdvertisedHost = "silo-1.internal" }).Succeeded);

    [Fact]
    public void Connection_options_that_cannot_work_are_rejected()
    {
        var validator = new NetworkingOptionsValidator();
        Assert.True(validator.Validate(null, new ClusterNetworkingOptions { SendQueueCapacity = 8 }).Failed);
        Assert.True(validator.Validate(null, new ClusterNetworkingOptions { ConnectTimeout = TimeSpan.Zero }).Failed);
        Assert.True(validator.Validate(null, new ClusterNetworkingOptions { ReconnectBackoffMax = TimeSpan.FromMilliseconds(10) }).Failed);
        Assert.True(validator.Validate(null, new ClusterNetworkingOptions { MaxFrameBytes = 1000 }).Failed);
    }

    [Fact]
    public async Task A_silo_with_invalid_listener_settings_does_not_start()
    {
        await using var cluster = new TestCluster();
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => cluster.StartSiloAsync(new() { ["Silo:Port"] = "70000" }));
        Assert.Contains("Silo:Port", error.Message);
    }

    [Fact]
    public async Task A_silo_listens_on_the_configured_port()
    {
        await using var cluster = new TestCluster();
        using var free = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        free.Start();
        var port = ((System.Net.IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();

        var silo = await cluster.StartSiloAsync(new() { ["Silo:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(port, silo.Address!.Port);
    }
}

public sealed class GrainLocationCacheTests
{
    [Fact]
    public void The_cache_stays_within_its_capacity_however_many_grains_pass_through()
    {
        var cache = new GrainLocationCache(capacity: 1_000);
        var silo = new SiloAddress("127.0.0.1", 11111, 1);
        for (var i = 0; i < 50_000; i++) cache.Set(new GrainAddress(new GrainId("player", $"p{i}"), silo, Guid.NewGuid()));

        Assert.InRange(cache.Count, 800, 1_000);
        Assert.Equal(cache.Count, cache.DropSilo(silo)); // what stayed is intact and still indexed by silo
        Assert.Equal(0, cache.Count);
    }
}
