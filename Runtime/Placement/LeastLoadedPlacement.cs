using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;

namespace Game.Runtime.Placement;

/// <summary>
/// Places a new activation on the active silo with the fewest grains of the same type (from the directory, so
/// placements by other gateways and silos count at once), then the lowest reported timer tick p99, then at random.
/// A silo that just became active has none, so it takes the next new grains. A grain that an
/// <see cref="IColocationResolver"/> pairs with an active partner goes to the partner's silo instead.
/// Stands for Orleans's <c>ActivationCountPlacementDirector</c>.
/// </summary>
internal sealed class LeastLoadedPlacement(IClusterMembershipView membership, IGrainDirectory directory, IServiceProvider services) : IPlacementDirector
{
    public async Task<SiloAddress> PickSiloAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        IReadOnlyList<MembershipEntry> active = membership.ActiveSilos;
        // A grain that was just moved off a silo goes elsewhere if it can.
        if ((services.GetService(typeof(Catalog.Catalog)) as Catalog.Catalog)?.MigrationHints.AvoidedSilo(grainId) is { } avoid
            && active.Any(e => e.Silo != avoid))
        {
            active = [.. active.Where(e => e.Silo != avoid)];
        }
        if (active.Count == 0) throw new SiloUnavailableException($"No silo is active to host {grainId}.");
        if (active.Count == 1) return active[0].Silo;
        if (await PartnerSiloAsync(grainId, active, cancellationToken) is { } partnerSilo) return partnerSilo;

        var counts = await directory.CountBySilo(grainId.Type, cancellationToken);
        MembershipEntry? best = null;
        var bestCount = int.MaxValue;
        var ties = 0;
        foreach (var silo in active)
        {
            var count = counts.GetValueOrDefault(silo.Silo);
            if (best is not null && (count > bestCount || (count == bestCount && silo.Load.TimerTickP99Ms > best.Load.TimerTickP99Ms))) continue;
            if (best is not null && count == bestCount && silo.Load.TimerTickP99Ms == best.Load.TimerTickP99Ms)
            {
                // Reservoir choice among exact ties, so concurrent placers spread instead of piling on one silo.
                if (Random.Shared.Next(++ties + 1) != 0) continue;
            }
            else
            {
                ties = 0;
            }
            best = silo;
            bestCount = count;
        }
        return best!.Silo;
    }

    private async Task<SiloAddress?> PartnerSiloAsync(GrainId grainId, IReadOnlyList<MembershipEntry> active, CancellationToken cancellationToken)
    {
        foreach (var resolver in (IEnumerable<IColocationResolver>?)services.GetService(typeof(IEnumerable<IColocationResolver>)) ?? [])
        {
            if (await resolver.FindPartnerAsync(grainId, cancellationToken) is not { } partner) continue;
            var address = await directory.Lookup(partner, cancellationToken);
            if (address is not null && active.Any(e => e.Silo == address.Silo)) return address.Silo;
        }
        return null;
    }
}
