using Game.Runtime.Hosting;

namespace Game.Runtime.Placement;

/// <summary>
/// Chooses the silo for a new activation of a grain that has none. Stands for Orleans's <c>IPlacementDirector</c>.
/// </summary>
public interface IPlacementDirector
{
    /// <summary>The active silo that should host a new activation of <paramref name="grainId"/>.</summary>
    /// <exception cref="SiloUnavailableException">No silo is active.</exception>
    Task<SiloAddress> PickSiloAsync(GrainId grainId, CancellationToken cancellationToken);
}
