using Game.Grains.Interfaces;
using Game.Grains.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;

namespace Game.Grains.Tests.Rooms;

/// <summary>
/// How late rooms tick (<see cref="LocalRooms.TickLatenessP99Ms"/>, the <c>game.room.tick.lateness</c> histogram,
/// <c>tickLateP99Ms</c> of <c>GET /cluster</c>): each tick's start against its place in the room's schedule.
/// </summary>
public sealed class TickLatenessTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromMilliseconds(0.2);

    [Fact]
    public void The_p99_is_of_the_last_ticks_and_an_early_tick_counts_as_on_time()
    {
        var rooms = new LocalRooms();
        Assert.Equal(0, rooms.TickLatenessP99Ms());

        // 100 ticks: 97 a millisecond late, one 3 ms early, two 40 ms late (the 99th percentile of 100 is the 99th value).
        for (var i = 0; i < 97; i++) rooms.RecordTick(Duration, TimeSpan.FromMilliseconds(1));
        rooms.RecordTick(Duration, TimeSpan.FromMilliseconds(-3));
        rooms.RecordTick(TimeSpan.FromMilliseconds(7), TimeSpan.FromMilliseconds(40));
        rooms.RecordTick(Duration, TimeSpan.FromMilliseconds(40));
        Assert.Equal(40, rooms.TickLatenessP99Ms());
        Assert.Equal(0.2, rooms.TickP99Ms(), 6); // durations are their own figure: one long tick of 100 is under the p99

        rooms.RecordTick(Duration, TimeSpan.FromMilliseconds(-3)); // early: on time, not a negative lateness
        Assert.Equal(40, rooms.TickLatenessP99Ms());

        // The window is the last 2,048 ticks: on-time ones push the late ones out.
        for (var i = 0; i < 2048; i++) rooms.RecordTick(Duration, TimeSpan.Zero);
        Assert.Equal(0, rooms.TickLatenessP99Ms());
    }

    [Fact]
    public async Task A_ticking_room_records_how_late_its_ticks_start()
    {
        using var host = await SingleProcessSilo.StartAsync();
        try
        {
            var rooms = host.Services.GetRequiredService<LocalRooms>();
            var player = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPlayerGrain>("late-p");
            await player.StartSession("late-p");
            Assert.NotNull((await player.JoinRoom("late-room", "arena", null)).Joined);

            // Every tick starts a little after its due time (the timer's own lateness, then the wait for the room's turn),
            // so the figure moves off zero once the room has ticked (20 Hz).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (rooms.TickLatenessP99Ms() == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(rooms.TickLatenessP99Ms() > 0, "no tick of the room recorded a lateness");
            Assert.True(rooms.TickP99Ms() > 0);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
