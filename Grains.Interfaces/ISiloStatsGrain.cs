using Orleans;

namespace Game.Grains.Interfaces;

/// <summary>
/// The game's figures of one silo (key: the silo's address, <c>SiloAddress.ToParsableString()</c>); its activation is
/// pinned to that silo by placement, so it reads that silo's own counters. For the operator's <c>GET /cluster</c>.
/// </summary>
[Alias("game.ISiloStatsGrain")]
public interface ISiloStatsGrain : IGrainWithStringKey
{
    /// <summary>Rooms and seated players active on the silo now, and its recent room ticks' durations and lateness.</summary>
    Task<SiloRoomStats> Get();
}

/// <summary>A silo's rooms, how long their ticks take and how late they start.</summary>
/// <param name="Rooms">Room activations on the silo.</param>
/// <param name="Players">Players seated in those rooms.</param>
/// <param name="TickP99Ms">99th percentile of the last ticks' durations (up to 2,048), ms; 0 without ticks.</param>
/// <param name="TickLateP99Ms">99th percentile of how late those ticks started after they were due on their rooms'
/// schedules, ms; 0 without ticks (and from a silo of a version before it was added).</param>
[GenerateSerializer, Alias("game.SiloRoomStats"), Immutable]
public sealed record SiloRoomStats(int Rooms, int Players, double TickP99Ms, double TickLateP99Ms = 0);
