using Game.Runtime.Directory;
using Game.Runtime.Hosting;

namespace Game.Runtime.Networking;

/// <summary>
/// Wraps a silo's <see cref="IGrainDirectory"/> (every call passes through) to keep the <see cref="LocalActivationTable"/>
/// and this silo's <see cref="GrainLocationCache"/> current: an activation that wins its registration is recorded, one
/// that unregisters (or migrates away) is removed.
/// </summary>
internal sealed class TrackingGrainDirectory(IGrainDirectory inner, LocalActivationTable table, GrainLocationCache cache, ILocalSiloDetails local)
    : IGrainDirectory
{
    /// <summary>The wrapped directory.</summary>
    public IGrainDirectory Inner => inner;

    public async Task<GrainAddress> Register(GrainAddress address, CancellationToken cancellationToken = default)
    {
        var winner = await inner.Register(address, cancellationToken).ConfigureAwait(false);
        if (winner == address) table.Add(address);
        cache.Set(winner);
        return winner;
    }

    public async Task Unregister(GrainAddress address, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.Unregister(address, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            table.Remove(address);
            cache.Invalidate(address);
        }
    }

    public Task<GrainAddress?> Lookup(GrainId grainId, CancellationToken cancellationToken = default) => inner.Lookup(grainId, cancellationToken);

    public async Task<bool> TryReplace(GrainAddress current, GrainAddress next, CancellationToken cancellationToken = default)
    {
        if (!await inner.TryReplace(current, next, cancellationToken).ConfigureAwait(false)) return false;
        table.Remove(current);
        if (next.Silo == local.SiloAddress) table.Add(next);
        cache.Set(next);
        return true;
    }

    public Task UnregisterSilo(SiloAddress silo, CancellationToken cancellationToken = default) => inner.UnregisterSilo(silo, cancellationToken);

    public Task<IReadOnlyDictionary<SiloAddress, int>> CountBySilo(string grainType, CancellationToken cancellationToken = default)
        => inner.CountBySilo(grainType, cancellationToken);
}
