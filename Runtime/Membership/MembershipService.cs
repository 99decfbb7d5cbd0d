using System.Collections.Immutable;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Runtime.Membership;

/// <summary>
/// This process's membership: its view of the cluster (every process), and for a silo also its own row —
/// joining, heartbeats, probing the others and declaring the silent ones dead. Split by concern: this file
/// (the view), <c>MembershipService.Silo.cs</c> (own row, heartbeats, failure detection).
/// Stands for Orleans's <c>MembershipTableManager</c> and <c>ClusterHealthMonitor</c>.
/// </summary>
/// <remarks>
/// The view is re-read within milliseconds of any status change (the table's change notifications) and at
/// least every <see cref="MembershipOptions.TableRefreshInterval"/>. When a silo is seen dead, its directory
/// entries are removed so the next call to each of its grains activates it elsewhere.
/// </remarks>
internal sealed partial class MembershipService : BackgroundService, IClusterMembershipView
{
    private readonly IMembershipTable _table;
    private readonly IGrainDirectory _directory;
    private readonly MembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MembershipService> _logger;
    private readonly HashSet<SiloAddress> _cleanedUp = [];
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile MembershipTableSnapshot _current = new(0, []);
    private volatile IReadOnlyList<MembershipEntry> _active = [];

    public MembershipService(IMembershipTable table, IGrainDirectory directory, IOptions<MembershipOptions> options,
        TimeProvider time, ILogger<MembershipService> logger)
    {
        _table = table;
        _directory = directory;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public MembershipTableSnapshot Current => _current;

    public IReadOnlyList<MembershipEntry> ActiveSilos => _active;

    public event Action<MembershipTableSnapshot>? Changed;

    public bool IsAlive(SiloAddress silo)
    {
        foreach (var e in _current.Entries)
        {
            if (e.Silo == silo) return e.Status is not SiloStatus.Dead;
        }
        return false;
    }

    /// <summary>Creates the schema and reads the table once (before the host's other services start).</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _table.InitializeAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>
        {
            _table.WatchAsync(RefreshAsync, stoppingToken),
            RefreshLoopAsync(stoppingToken),
        };
        loops.AddRange(SiloLoops(stoppingToken));
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.TableRefreshInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await TryAsync(RefreshAsync, stoppingToken);
        }
    }

    /// <summary>Re-reads the table; raises <see cref="Changed"/> and cleans up after dead silos when the version moved.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken);
            var previous = _current;
            _current = snapshot;
            _active = [.. snapshot.Entries.Where(e => e.Status == SiloStatus.Active).OrderBy(e => e.Silo.ToString(), StringComparer.Ordinal)];
            OnSnapshot(snapshot);
            if (snapshot.Version == previous.Version) return;

            Log.ViewChanged(_logger, snapshot.Version, _active.Count, string.Join(", ", snapshot.Entries.Select(e => $"{e.Silo}={e.Status}")));
            foreach (var dead in snapshot.Entries.Where(e => e.Status == SiloStatus.Dead))
            {
                if (!_cleanedUp.Add(dead.Silo)) continue;
                await _directory.UnregisterSilo(dead.Silo, cancellationToken);
            }
            Changed?.Invoke(snapshot);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private async Task TryAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.TableError(_logger, ex);
        }
    }

    partial void OnSnapshot(MembershipTableSnapshot snapshot);

    private partial IEnumerable<Task> SiloLoops(CancellationToken stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Information, "Membership version {Version}: {Active} active silo(s): {Silos}")]
        public static partial void ViewChanged(ILogger logger, long version, int active, string silos);

        [LoggerMessage(1101, LogLevel.Warning, "Membership table unreachable; retrying")]
        public static partial void TableError(ILogger logger, Exception exception);

        [LoggerMessage(1102, LogLevel.Warning, "Silo {Silo} missed its heartbeats for {Seconds:F1} s and did not answer a probe: declaring it dead")]
        public static partial void DeclaringDead(ILogger logger, string silo, double seconds);

        [LoggerMessage(1103, LogLevel.Critical, "This silo ({Silo}) was declared dead by the cluster; it stops and must rejoin as a new silo")]
        public static partial void DeclaredDead(ILogger logger, string silo);

        [LoggerMessage(1104, LogLevel.Information, "Silo {Silo} is now {Status}")]
        public static partial void StatusChanged(ILogger logger, string silo, SiloStatus status);
    }
}
