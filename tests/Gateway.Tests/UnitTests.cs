using System.Net.WebSockets;
using Game.Gateway.Connections;
using Game.Gateway.Sessions;
using Game.Gateway.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Tests;

public sealed class OutgoingQueueTests
{
    private static OutgoingFrame Frame(byte b) => new(new[] { b }, WebSocketMessageType.Text);

    private static async Task<byte> Next(OutgoingQueue q)
    {
        var item = await q.DequeueAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Null(item.Close);
        return item.Frame.Payload.Span[0];
    }

    [Fact]
    public async Task Snapshots_coalesce_to_the_newest_and_reliable_messages_go_first_in_order()
    {
        var q = new OutgoingQueue(capacity: 8);
        for (byte i = 1; i <= 50; i++) q.SetSnapshot(Frame((byte)(100 + i)));
        q.Enqueue(Frame(1));
        q.Enqueue(Frame(2));
        Assert.Equal(1, await Next(q));
        Assert.Equal(2, await Next(q));
        Assert.Equal(150, await Next(q)); // one snapshot, the newest, not 50
        var pending = q.DequeueAsync().AsTask();
        Assert.False(pending.IsCompleted, "nothing else is waiting");
        q.SetSnapshot(Frame(151));
        Assert.Equal(151, (await pending.WaitAsync(TimeSpan.FromSeconds(5))).Frame.Payload.Span[0]);
    }

    [Fact]
    public void Reliable_lane_is_bounded()
    {
        var q = new OutgoingQueue(capacity: 3);
        for (byte i = 0; i < 3; i++) Assert.Equal(EnqueueResult.Queued, q.Enqueue(Frame(i)));
        Assert.Equal(EnqueueResult.Overflow, q.Enqueue(Frame(9)));
        q.SetSnapshot(Frame(7)); // snapshots never overflow
    }

    [Fact]
    public async Task Close_with_drain_sends_the_reliable_rest_first_and_without_drain_drops_it()
    {
        var q = new OutgoingQueue(capacity: 8);
        q.Enqueue(Frame(1));
        q.SetSnapshot(Frame(50));
        Assert.True(q.TryComplete(new CloseRequest(WebSocketCloseStatus.MessageTooBig, "big", Drain: true)));
        Assert.False(q.TryComplete(new CloseRequest(WebSocketCloseStatus.NormalClosure, "again", Drain: false)));
        Assert.Equal(1, await Next(q));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await q.DequeueAsync()).Close?.Status);
        Assert.Equal(EnqueueResult.Closed, q.Enqueue(Frame(2)));

        var r = new OutgoingQueue(capacity: 8);
        r.Enqueue(Frame(1));
        r.TryComplete(new CloseRequest(WebSocketCloseStatus.PolicyViolation, "slow", Drain: false));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, (await r.DequeueAsync()).Close?.Status);
    }

    [Fact]
    public async Task A_direct_send_owns_the_socket_until_it_ends_and_what_waits_meanwhile_goes_after_it()
    {
        var q = new OutgoingQueue(capacity: 8);
        var loop = q.DequeueAsync().AsTask(); // the send loop, parked
        Assert.True(q.TryBeginDirectSend());
        Assert.False(q.TryBeginDirectSend(), "one writer at a time");

        q.Enqueue(Frame(1)); // an event arrives while the direct snapshot is being sent
        await Task.Delay(50);
        Assert.False(loop.IsCompleted, "the send loop must not write while the direct send owns the socket");

        q.EndDirectSend();
        Assert.Equal(1, (await loop.WaitAsync(TimeSpan.FromSeconds(5))).Frame.Payload.Span[0]);
        Assert.False(q.TryBeginDirectSend(), "the send loop owns the socket until it asks for its next item");
        var next = q.DequeueAsync().AsTask(); // done with frame 1: releases the socket
        Assert.True(q.TryBeginDirectSend(), "idle again");
        q.EndDirectSend();
        Assert.False(next.IsCompleted, "nothing waits");
    }

    [Fact]
    public async Task A_direct_send_is_refused_while_anything_waits_and_a_pending_one_goes_to_the_send_loop_first()
    {
        var q = new OutgoingQueue(capacity: 8);
        q.Enqueue(Frame(1));
        Assert.False(q.TryBeginDirectSend(), "a map never overtakes a queued event");
        Assert.Equal(1, await Next(q));
        q.SetSnapshot(Frame(50));
        Assert.False(q.TryBeginDirectSend(), "a snapshot already waits: it is replaced, not overtaken");
        Assert.Equal(50, await Next(q));

        var loop = q.DequeueAsync().AsTask();
        Assert.True(q.TryBeginDirectSend());
        var slow = new TaskCompletionSource();
        q.SetSnapshot(Frame(51)); // the next tick, while the direct send is still pending
        q.HandOver(slow.Task);
        var item = await loop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Same(slow.Task, item.InFlight);
        var after = q.DequeueAsync().AsTask();
        slow.SetResult();
        Assert.Equal(51, (await after.WaitAsync(TimeSpan.FromSeconds(5))).Frame.Payload.Span[0]);
    }

    [Fact]
    public async Task A_close_during_a_direct_send_waits_for_it()
    {
        var q = new OutgoingQueue(capacity: 8);
        Assert.True(q.TryBeginDirectSend());
        q.TryComplete(new CloseRequest(WebSocketCloseStatus.NormalClosure, "bye", Drain: true));
        var loop = q.DequeueAsync().AsTask();
        await Task.Delay(50);
        Assert.False(loop.IsCompleted);
        q.EndDirectSend();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, (await loop.WaitAsync(TimeSpan.FromSeconds(5))).Close?.Status);
        Assert.False(q.TryBeginDirectSend(), "closing");
    }
}

/// <summary>A connection's limit on one type of message (shared protocol.md v1.1), on a manual clock.</summary>
public sealed class MessageRateLimitTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Exactly_the_limit_then_one_over_is_dropped_until_the_second_has_passed()
    {
        var clock = new ManualTimeProvider();
        var limit = new MessageRateLimit(clock, 30, TimeSpan.FromSeconds(1)); // draw
        for (var i = 0; i < 30; i++) Assert.True(limit.TryAccept(), $"draw {i + 1} of 30");
        Assert.False(limit.TryAccept(), "the 31st");

        clock.Advance(999 * Ms);
        Assert.False(limit.TryAccept(), "999 ms later (a dropped one takes no permit)");
        clock.Advance(Ms);
        for (var i = 0; i < 30; i++) Assert.True(limit.TryAccept(), $"draw {i + 1} of 30 a second later");
        Assert.False(limit.TryAccept());
    }

    [Fact]
    public void Sixty_per_sliding_second_come_back_in_100_ms_steps_and_one_notice_per_second()
    {
        var clock = new ManualTimeProvider();
        var limiter = new MessageRateLimit(clock, 60, TimeSpan.FromSeconds(1));
        for (var i = 0; i < 60; i++) // t = 0 … 295 ms: 20 in each of the first three 100 ms segments
        {
            Assert.True(limiter.TryAccept(), $"input {i + 1} of 60");
            clock.Advance(5 * Ms);
        }
        Assert.False(limiter.TryAccept()); // t = 300 ms
        Assert.True(limiter.ShouldNotify());
        Assert.False(limiter.TryAccept());
        Assert.False(limiter.ShouldNotify());

        clock.Advance(699 * Ms); // t = 999 ms
        Assert.False(limiter.TryAccept());
        clock.Advance(Ms); // t = 1 s: the first segment's 20 come back
        for (var i = 0; i < 20; i++) Assert.True(limiter.TryAccept(), $"input {i + 1} of 20 at 1 s");
        Assert.False(limiter.TryAccept());
        Assert.False(limiter.ShouldNotify(), "0.7 s after the last notice");
        clock.Advance(300 * Ms); // t = 1.3 s
        Assert.True(limiter.ShouldNotify(), "a second after the last notice");
    }

    [Fact]
    public void A_steady_60_per_second_is_never_limited()
    {
        var clock = new ManualTimeProvider();
        var limiter = new MessageRateLimit(clock, 60, TimeSpan.FromSeconds(1));
        var interval = TimeSpan.FromTicks((TimeSpan.TicksPerSecond + 59) / 60); // 1/60 s, rounded up to whole ticks
        for (var i = 0; i < 600; i++)
        {
            Assert.True(limiter.TryAccept(), $"input {i + 1}");
            clock.Advance(interval);
        }
    }

    [Fact]
    public void Notices_are_paced_per_limit_and_not_at_all_with_a_zero_interval()
    {
        var clock = new ManualTimeProvider();
        var chat = new MessageRateLimit(clock, 5, TimeSpan.FromSeconds(1));
        var relay = new MessageRateLimit(clock, 60, TimeSpan.FromSeconds(1));
        Assert.True(chat.ShouldNotify());
        Assert.True(relay.ShouldNotify(), "each type has its own pace");
        clock.Advance(999 * Ms);
        Assert.False(chat.ShouldNotify());
        clock.Advance(Ms);
        Assert.True(chat.ShouldNotify());

        var unpaced = new MessageRateLimit(clock, 5, TimeSpan.Zero);
        Assert.True(unpaced.ShouldNotify());
        Assert.True(unpaced.ShouldNotify());
    }
}

public sealed class GatewayOptionsTests
{
    private static GatewayOptions Bind(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddGateway();
        return services.BuildServiceProvider().GetRequiredService<IOptions<GatewayOptions>>().Value;
    }

    [Fact]
    public void Defaults_match_the_protocol()
    {
        var o = new GatewayOptions();
        Assert.Equal(4096, o.MaxFrameBytes);
        Assert.Equal(60, o.MaxInputsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(1), o.RateLimitNoticeInterval);
        Assert.Equal(256, o.SendQueueCapacity);
        Assert.Equal(TimeSpan.FromSeconds(5), o.CloseTimeout);
        Assert.Equal(2048, o.MemoryPoolBlockBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1), o.IoPollInterval);
        Assert.True(new GatewayOptionsValidator().Validate(null, o).Succeeded);
    }

    [Fact]
    public void Binds_the_Gateway_section()
    {
        var o = Bind(new() { ["Gateway:MaxInputsPerSecond"] = "30", ["Gateway:CloseTimeout"] = "00:00:02" });
        Assert.Equal(30, o.MaxInputsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(2), o.CloseTimeout);
        Assert.Equal(4096, o.MaxFrameBytes);
    }

    [Fact]
    public void A_cluster_client_holds_inputs_to_a_longer_lead_unless_configured()
    {
        const string postgres = "Host=127.0.0.1;Username=game;Password=game";
        Assert.Equal(TimeSpan.FromMilliseconds(6), Bind([]).InputBatchLead); // co-hosting its silo
        Assert.Equal(TimeSpan.FromMilliseconds(20), Bind(new() { ["Cluster:Postgres"] = postgres }).InputBatchLead);
        Assert.Equal(GatewayOptions.ClusterInputBatchLead, Bind(new() { ["Cluster:Postgres"] = postgres }).InputBatchLead);
        Assert.Equal(TimeSpan.FromMilliseconds(3),
            Bind(new() { ["Cluster:Postgres"] = postgres, ["Gateway:InputBatchLead"] = "00:00:00.003" }).InputBatchLead);
        Assert.Equal(TimeSpan.Zero, Bind(new() { ["Cluster:Postgres"] = postgres, ["Gateway:InputBatchLead"] = "00:00:00" }).InputBatchLead);
        Assert.Equal(TimeSpan.FromMilliseconds(6), Bind(new() { ["Cluster:Postgres"] = " " }).InputBatchLead); // blank: one process
    }

    [Fact]
    public void Invalid_values_fail_validation_with_the_setting_named()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Gateway:MaxFrameBytes"] = "10", ["Gateway:SendQueueCapacity"] = "0", ["Gateway:MemoryPoolBlockBytes"] = "8192",
            ["Gateway:IoPollInterval"] = "00:00:00.011",
        }));
        Assert.Contains("Gateway:MaxFrameBytes", ex.Message);
        Assert.Contains("Gateway:SendQueueCapacity", ex.Message);
        Assert.Contains("Gateway:MemoryPoolBlockBytes", ex.Message);
        Assert.Contains("Gateway:IoPollInterval must be 0–10 ms", ex.Message);
        Assert.Contains("IoPollInterval", Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Gateway:IoPollInterval"] = "-00:00:00.001" })).Message);
    }

    [Fact]
    public async Task The_app_refuses_to_start_with_invalid_options()
    {
        var app = GatewayApp.Build(["--urls", "http://127.0.0.1:0", "--Gateway:MaxInputsPerSecond=0"], null, hostSilo: false);
        await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        await app.DisposeAsync();
    }
}

public sealed class PlayerIdsTests
{
    [Fact]
    public void New_ids_are_short_url_safe_and_distinct()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => PlayerIds.New()).ToArray();
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-]{8}$", id));
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("abc.secret", "abc")]
    [InlineData("a-b_C9.x.y", "a-b_C9")]
    public void Token_id_is_the_part_before_the_first_dot(string token, string id)
    {
        Assert.True(PlayerIds.TryFromToken(token, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nodot")]
    [InlineData(".secret")]
    [InlineData("bad id.secret")]
    [InlineData("room/1.secret")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.secret")]
    public void Tokens_that_cannot_be_ours_are_refused(string token) => Assert.False(PlayerIds.TryFromToken(token, out _));
}
