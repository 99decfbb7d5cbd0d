using Game.Grains.Interfaces;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Game.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Game.Grains.Players;
using Microsoft.Extensions.Hosting;

namespace Game.Grains.Tests.Players;

public sealed class PlayerSessionTests
{
    /// <summary>
    /// A started single-process silo whose grains read <paramref name="clock"/> (the system clock when null), with
    /// <paramref name="settings"/> over its configuration.
    /// </summary>
    private static Task<IHost> StartSiloAsync(FakeTimeProvider? clock, Dictionary<string, string?>? settings = null)
        => SingleProcessSilo.StartAsync(settings, clock);

    [Fact]
    public async Task A_late_disconnect_of_a_connection_the_player_resumed_from_does_not_start_the_grace()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = await StartSiloAsync(clock);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            const string roomId = "late-disconnect";
            var room = grains.GetGrain<IRoomGrain>(roomId);
            var ada = grains.GetGrain<IPlayerGrain>("ada-1");
            var bob = grains.GetGrain<IPlayerGrain>("bob-1");
            var adaFirst = await ada.StartSession("Ada");
            var bobSession = await bob.StartSession("Bob");
            Assert.NotNull((await ada.JoinRoom(roomId, "arena", null)).Joined);
            Assert.NotNull((await bob.JoinRoom(roomId, "arena", null)).Joined);

            // Ada's socket drops and she resumes at once (say, through another gateway); the old gateway's report
            // of the drop arrives only afterwards. Bob really leaves.
            var adaSecond = await ada.Resume(adaFirst.Token);
            Assert.NotNull(adaSecond);
            Assert.True(adaSecond.Connection > adaFirst.Connection, "a resume must be a newer connection");
            await ada.Disconnected(adaFirst.Connection);
            await bob.Disconnected(bobSession.Connection);

            clock.Advance(TimeSpan.FromSeconds(31)); // past the 30 s grace (protocol.md)
            await Eventually.Until(async () => (await room.Describe()).Players < 2, TimeSpan.FromSeconds(20), "Bob's seat being given up after the grace");

            var summary = await room.Describe();
            Assert.Equal(1, summary.Players); // Ada kept hers: the late report was about a connection she had left
            Assert.NotNull(await ada.Resume(adaFirst.Token)); // and her session is alive
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_connected_players_activation_is_not_collected_while_idle_and_an_unconnected_one_is()
    {
        // Idle collection after 2 s, checked every second: the connected player's activation must stay (it is the
        // session the gateway calls into), a player grain with no session must go.
        using var host = await StartSiloAsync(clock: null, new()
        {
            ["Orleans:Collection:CollectionQuantum"] = "00:00:01",
            ["Orleans:Collection:CollectionAge"] = "00:00:02",
        });
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<IPlayerGrain>("idle-connected").StartSession("Ada");
            Assert.False(await grains.GetGrain<IPlayerGrain>("idle-unconnected").HoldsSeatIn("nowhere"));
            var management = grains.GetGrain<IManagementGrain>(0);
            async Task<int> Players() => (await management.GetSimpleGrainStatistics())
                .Where(s => s.GrainType.Contains(nameof(PlayerGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
            Assert.Equal(2, await Players());

            await Eventually.Until(async () => await Players() < 2, TimeSpan.FromSeconds(20), "the unconnected player's activation being collected");
            await Task.Delay(TimeSpan.FromSeconds(4)); // two more collection ages
            Assert.Equal(1, await Players());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_connected_players_session_outlives_its_activation()
    {
        // The session is written on every change: an activation that goes away while its player is connected (a silo
        // stops, an operator collects it) leaves nothing behind, and the next call finds the session whole.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = await StartSiloAsync(clock);
        try
        {
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            const string roomId = "collected-session";
            var room = grains.GetGrain<IRoomGrain>(roomId);
            var ada = grains.GetGrain<IPlayerGrain>("ada-2");
            var first = await ada.StartSession("Ada", gateway: "gw-1");
            Assert.NotNull((await ada.JoinRoom(roomId, "arena", null)).Joined);

            await ada.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
            Assert.True(await ada.HoldsSeatIn(roomId), "the seat, read back from storage");
            var resumed = await ada.Resume(first.Token, "gw-2");
            Assert.NotNull(resumed);
            Assert.Equal(roomId, resumed.RoomId);
            Assert.True(resumed.Connection > first.Connection);

            // Collected again while connected, then the socket drops: the grace runs from the stored state.
            await ada.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();
            await ada.Disconnected(resumed.Connection);
            clock.Advance(TimeSpan.FromSeconds(31)); // past the 30 s grace (protocol.md)
            await Eventually.Until(async () => (await room.Describe()).Players == 0, TimeSpan.FromSeconds(20), "the seat being given up after the grace");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
