using Game.Runtime;
using Game.Runtime.Placement;
using Game.Runtime.Storage;

namespace Game.Grains.Players;

/// <summary>Places a player grain with the room it is seated in (read from its stored session), so a room's tick reads its players' inputs in-process.</summary>
internal sealed class PlayerColocation(IGrainStorage storage) : IColocationResolver
{
    public async Task<GrainId?> FindPartnerAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        if (grainId.Type != "player") return null;
        var session = await storage.ReadAsync<PlayerSessionState>(grainId, cancellationToken);
        return session?.RoomId is { } roomId ? new GrainId("room", roomId) : null;
    }
}
