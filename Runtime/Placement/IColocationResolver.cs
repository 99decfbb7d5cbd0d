namespace Game.Runtime.Placement;

/// <summary>
/// Names the grain a new activation should live beside, so that their calls stay inside one silo (the game places
/// a player with its room). Placement puts the activation on that partner's silo when the partner is active on an
/// active silo, and falls back to least-loaded placement otherwise. Stands for a custom Orleans
/// <c>PlacementStrategy</c> with its <c>IPlacementDirector</c>.
/// </summary>
public interface IColocationResolver
{
    /// <summary>The grain <paramref name="grainId"/> should be placed with, or null for no preference.</summary>
    Task<GrainId?> FindPartnerAsync(GrainId grainId, CancellationToken cancellationToken);
}
