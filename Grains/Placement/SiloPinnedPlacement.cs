using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Game.Grains.Placement;

/// <summary>
/// Places a grain on the silo its key names (a <c>SiloAddress.ToParsableString()</c>), so a per-silo grain such as
/// <see cref="Interfaces.ISiloStatsGrain"/> lives where its figures are. A key that names no compatible silo falls back to
/// the silo making the placement.
/// </summary>
[GenerateSerializer, Alias("game.SiloPinnedPlacement"), Immutable]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static SiloPinnedPlacement Singleton { get; } = new();
}

/// <summary>Marks a grain class as placed by <see cref="SiloPinnedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Singleton);

/// <summary>The placement director of <see cref="SiloPinnedPlacement"/>.</summary>
public sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var key = target.GrainIdentity.Key.ToString();
        foreach (var silo in compatible)
        {
            if (silo.ToParsableString() == key) return Task.FromResult(silo);
        }
        return Task.FromResult(context.LocalSilo);
    }
}
