using System.Buffers;
using Game.Gateway.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Game.Gateway.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Game.Gateway.Tests;

public sealed class ConnectionMemoryPoolTests
{
    private static readonly TimeSpan Period = ConnectionMemoryPoolFactory.TrimPeriod;

    [Fact]
    public void A_returned_block_is_lent_again_and_nothing_larger_than_a_block_is_lent()
    {
        using var pool = new ConnectionMemoryPool(1024, new FakeTimeProvider(), Period);
        Assert.Equal(1024, pool.MaxBufferSize);
        var first = pool.Rent();
        Assert.Equal(1024, first.Memory.Length);
        var memory = first.Memory;
        first.Dispose();
        using var second = pool.Rent(100);
        Assert.True(memory.Span == second.Memory.Span, "the same block comes back");
        Assert.Equal(1, pool.BlocksMade);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(1025));
    }

    [Fact]
    public void Free_blocks_beyond_the_last_periods_peak_are_dropped()
    {
        var time = new FakeTimeProvider();
        using var pool = new ConnectionMemoryPool(512, time, Period);
        var burst = Enumerable.Range(0, 100).Select(_ => pool.Rent()).ToList(); // a ramp of joins
        burst.ForEach(b => b.Dispose());
        Assert.Equal(100, pool.FreeBlocks);

        time.Advance(Period); // the period needed 100 at once: all are kept
        Assert.Equal(100, pool.FreeBlocks);

        var steady = Enumerable.Range(0, 10).Select(_ => pool.Rent()).ToList(); // then 10 at a time
        steady.ForEach(b => b.Dispose());
        time.Advance(Period);
        Assert.Equal(10, pool.FreeBlocks);

        var held = pool.Rent(); // one held over the next period, nothing else
        time.Advance(Period);
        Assert.Equal(0, pool.FreeBlocks);
        Assert.Equal(1, pool.BlocksInUse);
        held.Dispose();
        Assert.Equal(1, pool.FreeBlocks);
        Assert.Equal(100, pool.BlocksMade);
    }

    [Fact]
    public void A_disposed_pool_lends_nothing_and_keeps_nothing_returned()
    {
        var pool = new ConnectionMemoryPool(512, new FakeTimeProvider(), Period);
        var lent = pool.Rent();
        pool.Dispose();
        lent.Dispose();
        Assert.Equal(0, pool.FreeBlocks);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }
}

/// <summary>Which connections take blocks from the gateway's pool: Kestrel's socket transport's, not the gateway's own transport's.</summary>
public sealed class ConnectionMemoryPoolEndToEndTests
{
    [Fact]
    public async Task With_the_gateways_transport_off_kestrel_lends_a_players_buffers_from_the_gateways_pool()
    {
        await using var gateway = await FakeGateway.StartAsync(b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:DirectUpgrade"] = "false" }));
        var factory = Assert.IsType<ConnectionMemoryPoolFactory>(gateway.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        await using var client = await gateway.ConnectAsync("pool");
        await client.SendAsync(new { type = "hello", name = "Pool" });
        await client.WaitForAsync(m => m.GetProperty("type").GetString() == "welcome", "welcome");
        Assert.Contains(factory.Created, pool => pool.BlocksMade > 0 && pool.MaxBufferSize == new GatewayOptions().MemoryPoolBlockBytes);
    }

    [Fact]
    public async Task A_player_served_by_the_gateways_transport_takes_no_pool_block()
    {
        await using var gateway = await FakeGateway.StartAsync();
        var factory = Assert.IsType<ConnectionMemoryPoolFactory>(gateway.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        await using var client = await gateway.ConnectAsync("pool");
        await client.SendAsync(new { type = "hello", name = "Pool" });
        await client.WaitForAsync(m => m.GetProperty("type").GetString() == "welcome", "welcome");
        Assert.DoesNotContain(factory.Created, pool => pool.BlocksMade > 0);
    }
}
