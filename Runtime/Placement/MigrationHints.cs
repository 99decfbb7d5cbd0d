using System.Collections.Concurrent;
using Game.Runtime.Hosting;

namespace Game.Runtime.Placement;

/// <summary>
/// Grains that were just moved off a silo (<c>MigrateOnIdle</c>), so that placing their next activation avoids
/// that silo. A hint lasts 30 s. Placement for a moved grain runs in the silo it leaves (the held call is
/// forwarded from there), so the hints are per process.
/// </summary>
internal sealed class MigrationHints
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<GrainId, (SiloAddress Silo, long Until)> _avoid = new();

    public void Avoid(GrainId grain, SiloAddress silo)
        => _avoid[grain] = (silo, Environment.TickCount64 + (long)Lifetime.TotalMilliseconds);

    /// <summary>The silo to avoid for <paramref name="grain"/>, or null.</summary>
    public SiloAddress? AvoidedSilo(GrainId grain)
    {
        if (!_avoid.TryGetValue(grain, out var hint)) return null;
        if (Environment.TickCount64 <= hint.Until) return hint.Silo;
        _avoid.TryRemove(grain, out _);
        return null;
    }
}
