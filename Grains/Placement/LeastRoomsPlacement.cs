using System.Collections.Concurrent;
using Game.Grains.Interfaces;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Game.Grains.Placement;

/// <summary>
/// Places a new room on the compatible silo that runs the fewest rooms (a placement hint, as in a live migration, wins).
/// Rooms are the game's load: each ticks at 20–30 Hz with its players beside it, while most other activations idle.
/// </summary>
[GenerateSerializer, Alias("game.LeastRoomsPlacement"), Immutable]
public sealed class LeastRoomsPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static LeastRoomsPlacement Singleton { get; } = new();
}

/// <summary>Marks a grain class as placed by <see cref="LeastRoomsPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class LeastRoomsPlacementAttribute() : PlacementAttribute(LeastRoomsPlacement.Singleton);

/// <summary>
/// The placement director of <see cref="LeastRoomsPlacement"/>, one per silo. It keeps a view of how many rooms each silo
/// runs, refreshed from every silo's <see cref="ISiloStatsGrain"/> at most every <see cref="RefreshPeriod"/> (in the
/// background: a placement never waits for it), and counts each room it places itself at once, so that a burst of new
/// rooms between two refreshes still spreads. A silo it has no figure for yet (one that just joined) counts as empty
/// and so takes the next rooms.
/// </summary>
/// <remarks>
/// Why not Orleans's own: <c>ActivationCountBasedPlacement</c> and the default <c>ResourceOptimizedPlacement</c> weigh
/// all activations, or CPU and memory samples, published about once a second; in a burst of room creations right after
/// start they put most rooms on one silo (seen in the cluster tests: 20 of 24).
/// </remarks>
public sealed class LeastRoomsPlacementDirector(IGrainFactory grains, TimeProvider time) : IPlacementDirector
{
    /// <summary>Least time between two refreshes of the room counts. <value>1 second.</value></summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<SiloAddress, int> _rooms = new();
    private long _refreshedAt = long.MinValue;
    private int _refreshing;

    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible) is { } hint) return Task.FromResult(hint);
        if (compatible.Length == 1) return Task.FromResult(compatible[0]);
        RefreshInBackground(compatible);

        // Fewest rooms; ties go to a random one of them, so directors on several silos do not all pick the same.
        SiloAddress? best = null;
        int bestRooms = int.MaxValue, ties = 0;
        foreach (var silo in compatible)
        {
            var rooms = _rooms.GetValueOrDefault(silo);
            if (rooms < bestRooms) (best, bestRooms, ties) = (silo, rooms, 1);
            else if (rooms == bestRooms && Random.Shared.Next(++ties) == 0) best = silo;
        }
        _rooms.AddOrUpdate(best!, 1, static (_, n) => n + 1);
        return Task.FromResult(best!);
    }

    private void RefreshInBackground(SiloAddress[] silos)
    {
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(Interlocked.Read(ref _refreshedAt), now) < RefreshPeriod) return;
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        Interlocked.Exchange(ref _refreshedAt, now);
        _ = RefreshAsync(silos);
    }

    private async Task RefreshAsync(SiloAddress[] silos)
    {
        try
        {
            foreach (var gone in _rooms.Keys.Except(silos)) _rooms.TryRemove(gone, out _);
            await Task.WhenAll(silos.Select(async silo =>
            {
                try
                {
                    var stats = await grains.GetGrain<ISiloStatsGrain>(silo.ToParsableString()).Get().WaitAsync(RefreshPeriod);
                    _rooms[silo] = stats.Rooms;
                }
                catch (Exception)
                {
                    // A silo that cannot answer now keeps its last figure (or none); the next refresh asks again.
                }
            }));
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }
}
