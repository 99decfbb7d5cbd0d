using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Game.Grains.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Game.Grains.Tests.Rooms;

/// <summary>
/// <see cref="ArenaOptions.PeriodicCheckpoints"/>: off in the single-process default, where no other silo could resume a
/// room from what it writes, unless configuration turns it on; a join still writes the checkpoint either way.
/// </summary>
public sealed class PeriodicCheckpointTests
{
    private static Task<IHost> StartSiloAsync(Dictionary<string, string?> settings) => SingleProcessSilo.StartAsync(settings);

    /// <summary>The arena tick of the room's stored checkpoint.</summary>
    private static async Task<long> StoredTickAsync(IHost host, string roomId)
    {
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(GameStorage.Name);
        var grainId = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(roomId).GetGrainId();
        var stored = new GrainState<RoomCheckpoint>();
        await storage.ReadStateAsync("room", grainId, stored);
        return Assert.IsType<ArenaState>(stored.State?.State).Tick;
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task The_single_process_silo_has_no_periodic_checkpoints_unless_configured(string? configured, bool expected)
    {
        using var host = await StartSiloAsync(new() { ["Arena:PeriodicCheckpoints"] = configured });
        try
        {
            Assert.Equal(expected, host.Services.GetRequiredService<IOptions<ArenaOptions>>().Value.PeriodicCheckpoints);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    public async Task A_ticking_room_rewrites_its_checkpoint_only_with_periodic_checkpoints(string? configured, bool rewrites)
    {
        using var host = await StartSiloAsync(new()
        {
            ["Arena:PeriodicCheckpoints"] = configured,
            ["Arena:CheckpointInterval"] = "00:00:00.200",
        });
        try
        {
            var roomId = $"checkpoints-{configured ?? "default"}";
            var player = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPlayerGrain>($"{roomId}-p1");
            await player.StartSession("Ada");
            Assert.NotNull((await player.JoinRoom(roomId, "arena", null)).Joined); // a join writes the checkpoint
            var atJoin = await StoredTickAsync(host, roomId);

            // Six intervals (24 ticks at 20 Hz) later.
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            var later = await StoredTickAsync(host, roomId);

            if (rewrites) Assert.True(later > atJoin, $"the stored tick stayed at {atJoin}");
            else Assert.Equal(atJoin, later);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
