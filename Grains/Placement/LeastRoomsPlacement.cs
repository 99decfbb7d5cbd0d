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
/// runs (<see cref="RoomCountView"/>), refreshed from every silo's <see cref="ISiloStatsGrain"/> at most every
/// <see cref="RefreshPeriod"/> (in the background: a placement never waits for it), and counts each room it places itself
/// at once, so that a burst of new rooms between two refreshes still spreads. A silo it has no figure for yet (one that
/// just joined) counts as empty and so takes the next rooms.
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

    private readonly RoomCountView _view = new(time, RefreshPeriod);
    private long _refreshedAt = long.MinValue;
    private int _refreshing;

    /// <summary>
    /// Picks the silo for a room: the placement hint if it names a compatible silo, else the compatible silo with the
    /// fewest rooms.
    /// </summary>
    /// <returns>
    /// The chosen silo; or, when this silo is no longer active (it is stopping) and no active silo is compatible, this
    /// silo: Orleans asks where to move each room it ends at shutdown, and this silo as the answer means "nowhere", so
    /// the room ends here (writing its final checkpoint where its storage is durable) instead of Orleans logging
    /// "Error while selecting a migration destination" for rooms of the last silo (docs/reliability.md).
    /// </returns>
    /// <exception cref="OrleansException">No active silo is compatible while this silo is active (Orleans's own error).</exception>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        SiloAddress[] compatible;
        try
        {
            compatible = context.GetCompatibleSilos(target);
        }
        catch (OrleansException) when (context.LocalSiloStatus is not SiloStatus.Active)
        {
            return Task.FromResult(context.LocalSilo);
        }
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible) is { } hint) return Task.FromResult(hint);
        if (compatible.Length == 1) return Task.FromResult(compatible[0]);
        RefreshInBackground(compatible);
        return Task.FromResult(_view.Place(compatible));
    }

    private void RefreshInBackground(SiloAddress[] silos)
    {
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(Interlocked.Read(ref _refreshedAt), now) < RefreshPeriod) return;
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        Interlocked.Exchange(ref _refreshedAt, now);
        _ = RefreshAsync(silos, now);
    }

    private async Task RefreshAsync(SiloAddress[] silos, long askedAt)
    {
        try
        {
            _view.BeginRefresh(silos, askedAt);
            await Task.WhenAll(silos.Select(async silo =>
            {
                try
                {
                    var stats = await grains.GetGrain<ISiloStatsGrain>(silo.ToParsableString()).Get().WaitAsync(RefreshPeriod);
                    _view.Report(silo, stats.Rooms, askedAt);
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

/// <summary>
/// One placement director's estimate of the rooms on each silo: the last figure each silo reported plus the rooms this
/// director placed there that the figure may not count yet. A room is counted by its silo only once its activation has
/// run, some milliseconds (a state read from PostgreSQL) after it was placed; a report asked for within
/// <c>grace</c> after a placement may well miss it, so such placements are added to the figure instead of lost under it.
/// At worst a room is counted twice for that long, which a burst spreads evenly anyway.
/// </summary>
/// <param name="time">The clock of the placement timestamps.</param>
/// <param name="grace">How long before a report was asked for a placement is still added to it (the refresh period).</param>
internal sealed class RoomCountView(TimeProvider time, TimeSpan grace)
{
    private readonly ConcurrentDictionary<SiloAddress, int> _rooms = new();
    private readonly ConcurrentQueue<(SiloAddress Silo, long At)> _placed = new(); // own placements, oldest first

    /// <summary>The estimated rooms on <paramref name="silo"/> (0 for a silo with no figure yet).</summary>
    public int RoomsOn(SiloAddress silo) => _rooms.GetValueOrDefault(silo);

    /// <summary>
    /// Picks the silo of <paramref name="compatible"/> (not empty) with the fewest estimated rooms, ties at random (so
    /// that directors on several silos do not all pick the same), and counts the room there at once.
    /// </summary>
    public SiloAddress Place(SiloAddress[] compatible)
    {
        SiloAddress? best = null;
        int bestRooms = int.MaxValue, ties = 0;
        foreach (var silo in compatible)
        {
            var rooms = _rooms.GetValueOrDefault(silo);
            if (rooms < bestRooms) (best, bestRooms, ties) = (silo, rooms, 1);
            else if (rooms == bestRooms && Random.Shared.Next(++ties) == 0) best = silo;
        }
        _rooms.AddOrUpdate(best!, 1, static (_, n) => n + 1);
        _placed.Enqueue((best!, time.GetTimestamp()));
        return best!;
    }

    /// <summary>
    /// Starts a refresh asked for at <paramref name="askedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>): forgets the
    /// silos not in <paramref name="silos"/> (they left the cluster) and the placements older than the grace before it.
    /// Called by one refresh at a time, before its <see cref="Report"/>s.
    /// </summary>
    public void BeginRefresh(SiloAddress[] silos, long askedAt)
    {
        foreach (var gone in _rooms.Keys.Except(silos)) _rooms.TryRemove(gone, out _);
        while (_placed.TryPeek(out var oldest) && time.GetElapsedTime(oldest.At, askedAt) > grace) _placed.TryDequeue(out _);
    }

    /// <summary>
    /// Takes <paramref name="rooms"/>, the figure <paramref name="silo"/> reported to a request made at
    /// <paramref name="askedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>), plus this director's placements there made
    /// no earlier than the grace before <paramref name="askedAt"/>. Reports of several silos may come at once.
    /// </summary>
    public void Report(SiloAddress silo, int rooms, long askedAt)
    {
        var recent = 0;
        foreach (var (placedOn, at) in _placed)
        {
            if (placedOn.Equals(silo) && time.GetElapsedTime(at, askedAt) <= grace) recent++;
        }
        _rooms[silo] = rooms + recent;
    }
}
