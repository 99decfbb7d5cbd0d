using System.Collections.Immutable;
using Game.Runtime.Hosting;

namespace Game.Runtime.Membership;

/// <summary>What a silo reports of its load with each heartbeat, for placement and the operator view.</summary>
/// <param name="Activations">Activations on the silo.</param>
/// <param name="TimerTickP99Ms">99th percentile of grain timer tick (e.g. room tick) duration over the last heartbeat period, ms.</param>
/// <param name="CpuPercent">
/// CPU the silo's process used over the last heartbeat period, % of one core (2 busy cores = 200); 0 before the first
/// period ends. For the operator view and load testers: placement does not use it.
/// </param>
public sealed record SiloLoad(int Activations, double TimerTickP99Ms, double CpuPercent = 0)
{
    /// <summary>No load (a silo that has not reported yet).</summary>
    public static SiloLoad None { get; } = new(0, 0);
}

/// <summary>
/// One row of the membership table: a silo, its status, when it started and when it last said it was alive.
/// Stands for Orleans's <c>MembershipEntry</c>.
/// </summary>
/// <param name="Silo">The silo's address (endpoint + generation); a restarted silo is a new row.</param>
/// <param name="Status">Joining, Active, ShuttingDown or Dead.</param>
/// <param name="Name">A human-readable name (host name and port), for operators.</param>
/// <param name="StartTime">When the silo process started.</param>
/// <param name="IAmAliveTime">The silo's last heartbeat.</param>
/// <param name="Load">The load it reported with that heartbeat.</param>
public sealed record MembershipEntry(SiloAddress Silo, SiloStatus Status, string Name, DateTimeOffset StartTime,
    DateTimeOffset IAmAliveTime, SiloLoad Load);

/// <summary>The whole membership table at one version. Stands for Orleans's <c>MembershipTableData</c>.</summary>
/// <param name="Version">The table version; every status change (insert or update) increments it by one.</param>
/// <param name="Entries">Every row, dead silos included.</param>
public sealed record MembershipTableSnapshot(long Version, ImmutableArray<MembershipEntry> Entries);

/// <summary>
/// The cluster's shared membership table with optimistic concurrency on a version row, the model of
/// Orleans's ADO.NET clustering. Stands for Orleans's <c>IMembershipTable</c>.
/// </summary>
/// <remarks>
/// Status changes go through <see cref="TryInsertAsync"/> and <see cref="TryUpdateAsync"/>, which succeed only if
/// the table version still equals the version the caller read, and bump it; a caller that loses re-reads and
/// decides again. Heartbeats (<see cref="UpdateIAmAliveAsync"/>) do not bump the version.
/// </remarks>
public interface IMembershipTable
{
    /// <summary>Creates or migrates the schema. Idempotent and safe when several processes start at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads every row and the version.</summary>
    Task<MembershipTableSnapshot> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Adds a silo's row if the version is still <paramref name="expectedVersion"/> and no row has that address.</summary>
    /// <returns>False when the version moved or the row exists (re-read and retry).</returns>
    Task<bool> TryInsertAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Replaces a silo's status (and other fields) if the version is still <paramref name="expectedVersion"/>.</summary>
    /// <returns>False when the version moved or the row does not exist.</returns>
    Task<bool> TryUpdateAsync(MembershipEntry entry, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Records a heartbeat and load of <paramref name="silo"/> (no version change).</summary>
    Task UpdateIAmAliveAsync(SiloAddress silo, DateTimeOffset iAmAlive, SiloLoad load, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onChanged"/> soon (milliseconds) after any process changes the table, until
    /// <paramref name="cancellationToken"/> is cancelled. Returns when cancelled; reconnects by itself on errors.
    /// </summary>
    Task WatchAsync(Func<CancellationToken, Task> onChanged, CancellationToken cancellationToken);
}

/// <summary>
/// This process's current view of the cluster, refreshed from the membership table within about a second of
/// any change. Stands for Orleans's <c>IClusterMembershipService</c>.
/// </summary>
public interface IClusterMembershipView
{
    /// <summary>The latest snapshot read.</summary>
    MembershipTableSnapshot Current { get; }

    /// <summary>Silos that take calls and new activations (status Active).</summary>
    IReadOnlyList<MembershipEntry> ActiveSilos { get; }

    /// <summary>Whether <paramref name="silo"/> is known and not Dead (Joining, Active or ShuttingDown).</summary>
    bool IsAlive(SiloAddress silo);

    /// <summary>Raised after <see cref="Current"/> changed; handlers must not block.</summary>
    event Action<MembershipTableSnapshot>? Changed;
}
