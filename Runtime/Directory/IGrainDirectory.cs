using System.Collections.Concurrent;
using Game.Runtime.Hosting;

namespace Game.Runtime.Directory;

/// <summary>
/// Where one activation of a grain lives: the silo and the activation's unique id.
/// Stands for Orleans's <c>GrainAddress</c>.
/// </summary>
/// <param name="GrainId">The grain.</param>
/// <param name="Silo">The silo hosting the activation.</param>
/// <param name="ActivationId">Unique id of the activation.</param>
public sealed record GrainAddress(GrainId GrainId, SiloAddress Silo, Guid ActivationId);

/// <summary>
/// The cluster's map from grain to its single activation. <see cref="Register"/> is the single-activation
/// guarantee: of concurrent registrations for one grain exactly one wins, and every caller learns the winner.
/// Stands for Orleans's <c>IGrainDirectory</c>.
/// </summary>
public interface IGrainDirectory
{
    /// <summary>Registers <paramref name="address"/> unless the grain already has a live activation.</summary>
    /// <returns>The registered address: <paramref name="address"/> if it won, else the existing one.</returns>
    Task<GrainAddress> Register(GrainAddress address, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="address"/> if it is still the registered one (an older or newer activation is left alone).</summary>
    Task Unregister(GrainAddress address, CancellationToken cancellationToken = default);

    /// <summary>The grain's registered activation, or null.</summary>
    Task<GrainAddress?> Lookup(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>Moves the entry from <paramref name="current"/> to <paramref name="next"/> atomically (live migration).</summary>
    /// <returns>False when <paramref name="current"/> is no longer the registered activation.</returns>
    Task<bool> TryReplace(GrainAddress current, GrainAddress next, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry on <paramref name="silo"/> (it was declared dead).</summary>
    Task UnregisterSilo(SiloAddress silo, CancellationToken cancellationToken = default);

    /// <summary>How many grains of <paramref name="grainType"/> each silo hosts (silos with none are absent). For placement.</summary>
    Task<IReadOnlyDictionary<SiloAddress, int>> CountBySilo(string grainType, CancellationToken cancellationToken = default);
}

/// <summary>The directory of a single-process cluster: a concurrent dictionary.</summary>
internal sealed class InMemoryGrainDirectory : IGrainDirectory
{
    private readonly ConcurrentDictionary<GrainId, GrainAddress> _entries = new();

    public Task<GrainAddress> Register(GrainAddress address, CancellationToken cancellationToken = default)
        => Task.FromResult(_entries.GetOrAdd(address.GrainId, address));

    public Task Unregister(GrainAddress address, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));
        return Task.CompletedTask;
    }

    public Task<GrainAddress?> Lookup(GrainId grainId, CancellationToken cancellationToken = default)
        => Task.FromResult(_entries.TryGetValue(grainId, out var a) ? a : null);

    public Task<bool> TryReplace(GrainAddress current, GrainAddress next, CancellationToken cancellationToken = default)
        => Task.FromResult(_entries.TryUpdate(current.GrainId, next, current));

    public Task UnregisterSilo(SiloAddress silo, CancellationToken cancellationToken = default)
    {
        foreach (var entry in _entries)
        {
            if (entry.Value.Silo == silo) _entries.TryRemove(entry);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<SiloAddress, int>> CountBySilo(string grainType, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyDictionary<SiloAddress, int>>(_entries.Values
            .Where(a => a.GrainId.Type == grainType)
            .GroupBy(a => a.Silo)
            .ToDictionary(g => g.Key, g => g.Count()));
}
