using System.Diagnostics;
using Game.Grains.Interfaces;
using Game.Grains.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;

namespace Game.Grains.Tests.Rooms;

/// <summary>
/// <see cref="ArenaOptions.TickSlotRooms"/> in a silo: on in the single-process default; new rooms go into as few slots
/// of the tick grid as the cap allows, and a room that ends frees its place.
/// </summary>
public sealed class TickSlotRoomsTests
{
    private static readonly long ArenaPeriod = Stopwatch.Frequency / 20; // 20 Hz in the system clock's timestamp units

    private static Task<IHost> StartSiloAsync(int? roomsPerSlot) => SingleProcessSilo.StartAsync(new()
    {
        ["Arena:TickPhases"] = "10",
        ["Arena:TickSlotRooms"] = roomsPerSlot?.ToString(),
    });

    private static async Task<IPlayerGrain> JoinAsync(IHost host, string roomId, string playerId)
    {
        var player = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPlayerGrain>(playerId);
        await player.StartSession(playerId);
        Assert.NotNull((await player.JoinRoom(roomId, "arena", null)).Joined);
        return player;
    }

    [Fact]
    public async Task New_rooms_share_slots_up_to_the_cap_and_an_ended_room_frees_its_place()
    {
        using var host = await StartSiloAsync(roomsPerSlot: 2);
        try
        {
            var slots = host.Services.GetRequiredService<TickSlots>();
            var players = new List<IPlayerGrain>();
            for (var i = 0; i < 5; i++) players.Add(await JoinAsync(host, $"slots-{i}", $"slots-p{i}"));
            await JoinAsync(host, "slots-0", "slots-p0b"); // a second player: the same room, no new place

            Assert.Equal([2, 2, 1], slots.RoomsPerSlot(ArenaPeriod).Where(n => n > 0).OrderDescending());

            await players[4].LeaveRoom(); // its only player: the room ends
            Assert.Equal([2, 2], slots.RoomsPerSlot(ArenaPeriod).Where(n => n > 0));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData(null, ArenaOptions.SingleProcessTickSlotRooms)]
    [InlineData(0, 0)]
    [InlineData(20, 20)]
    public async Task The_single_process_silo_packs_ten_rooms_a_slot_unless_configured(int? configured, int expected)
    {
        using var host = await StartSiloAsync(configured);
        try
        {
            Assert.Equal(expected, host.Services.GetRequiredService<IOptions<ArenaOptions>>().Value.TickSlotRooms);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Without_a_cap_rooms_start_on_the_next_point_of_the_grid_and_are_still_counted()
    {
        using var host = await StartSiloAsync(roomsPerSlot: 0);
        try
        {
            for (var i = 0; i < 3; i++) await JoinAsync(host, $"free-{i}", $"free-p{i}");
            Assert.Equal(3, host.Services.GetRequiredService<TickSlots>().RoomsPerSlot(ArenaPeriod).Sum());
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
