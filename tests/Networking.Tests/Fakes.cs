using System.Collections.Immutable;
using Game.Runtime;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Membership;
using Game.Runtime.Placement;

namespace Game.Networking.Tests;

/// <summary>A membership view the test controls: every change bumps the version and raises <see cref="Changed"/> synchronously.</summary>
public sealed class FakeMembershipView : IClusterMembershipView
{
    private readonly Lock _lock = new();
    private MembershipTableSnapshot _current = new(0, []);

    public MembershipTableSnapshot Current => _current;

    public IReadOnlyList<MembershipEntry> ActiveSilos => [.. _current.Entries.Where(e => e.Status == SiloStatus.Active)];

    public bool IsAlive(SiloAddress silo) => _current.Entries.Any(e => e.Silo == silo && e.Status != SiloStatus.Dead);

    public event Action<MembershipTableSnapshot>? Changed;

    public void Set(SiloAddress silo, SiloStatus status)
    {
        MembershipTableSnapshot snapshot;
        lock (_lock)
        {
            var now = DateTimeOffset.UtcNow;
            var entry = new MembershipEntry(silo, status, silo.ToString(), now, now, SiloLoad.None);
            var rest = _current.Entries.Where(e => e.Silo != silo);
            snapshot = _current = new MembershipTableSnapshot(_current.Version + 1, [.. rest, entry]);
        }
        Changed?.Invoke(snapshot);
    }
}

/// <summary>Places every new activation on <see cref="Target"/> (set by the test), counting placements.</summary>
public sealed class FixedPlacement : IPlacementDirector
{
    private int _placements;

    public SiloAddress? Target { get; set; }

    public int Placements => _placements;

    public Task<SiloAddress> PickSiloAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _placements);
        return Target is { } silo ? Task.FromResult(silo) : throw new SiloUnavailableException("The test set no placement target.");
    }
}

/// <summary>The in-memory directory, counting lookups (each one is a database query in a PostgreSQL cluster).</summary>
internal sealed class CountingGrainDirectory(IGrainDirectory inner) : IGrainDirectory
{
    private int _lookups;

    public int Lookups => Volatile.Read(ref _lookups);

    /// <summary>How long each lookup takes (a database round trip); zero answers at once.</summary>
    public TimeSpan LookupDelay { get; set; }

    public Task<GrainAddress> Register(GrainAddress address, CancellationToken cancellationToken = default) => inner.Register(address, cancellationToken);

    public Task Unregister(GrainAddress address, CancellationToken cancellationToken = default) => inner.Unregister(address, cancellationToken);

    public async Task<GrainAddress?> Lookup(GrainId grainId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lookups);
        if (LookupDelay > TimeSpan.Zero) await Task.Delay(LookupDelay, cancellationToken);
        return await inner.Lookup(grainId, cancellationToken);
    }

    public Task<bool> TryReplace(GrainAddress current, GrainAddress next, CancellationToken cancellationToken = default) => inner.TryReplace(current, next, cancellationToken);

    public Task UnregisterSilo(SiloAddress silo, CancellationToken cancellationToken = default) => inner.UnregisterSilo(silo, cancellationToken);

    public Task<IReadOnlyDictionary<SiloAddress, int>> CountBySilo(string grainType, CancellationToken cancellationToken = default) => inner.CountBySilo(grainType, cancellationToken);
}
