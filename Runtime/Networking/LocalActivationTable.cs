using System.Collections.Concurrent;
using Game.Runtime.Directory;

namespace Game.Runtime.Networking;

/// <summary>
/// The activations this silo has registered in the grain directory and not yet unregistered, by grain, kept by
/// <see cref="TrackingGrainDirectory"/>. Lets the silo tell a call meant for an activation it no longer has (the caller's
/// cached location is stale: the call is re-routed) from one for a live or new activation, without asking the directory.
/// </summary>
internal sealed class LocalActivationTable
{
    private readonly ConcurrentDictionary<GrainId, Guid> _registered = new();

    /// <summary>The registered activation of <paramref name="grain"/> on this silo, or <see cref="Guid.Empty"/>.</summary>
    public Guid Get(GrainId grain) => _registered.TryGetValue(grain, out var id) ? id : Guid.Empty;

    public void Add(GrainAddress address) => _registered[address.GrainId] = address.ActivationId;

    public void Remove(GrainAddress address)
        => _registered.TryRemove(new KeyValuePair<GrainId, Guid>(address.GrainId, address.ActivationId));

    public int Count => _registered.Count;
}
