using Game.Runtime.Hosting;
using Microsoft.Extensions.Hosting;

namespace Game.Runtime.Membership;

/// <summary>What a silo adds to the membership service: its own row, heartbeats and failure detection.</summary>
/// <param name="Local">This silo's address and status.</param>
/// <param name="Load">Reads the load reported with each heartbeat.</param>
/// <param name="Prober">Pings a late silo before it is declared dead; null: heartbeats alone decide.</param>
/// <param name="Lifetime">Stops the process when the cluster declared this silo dead.</param>
internal sealed record SiloMembershipRole(LocalSilo Local, Func<SiloLoad> Load, ISiloProber? Prober, IHostApplicationLifetime Lifetime);

internal sealed partial class MembershipService
{
    private SiloMembershipRole? _role;

    /// <summary>Makes this service a silo's (set once, before the host starts).</summary>
    public void AttachSilo(SiloMembershipRole role) => _role = role;

    /// <summary>Writes this silo's row as Joining, then Active. Retries lost version races.</summary>
    /// <exception cref="InvalidOperationException">Not a silo, or a row with this address exists (a restarted silo must get a new generation).</exception>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        var role = _role ?? throw new InvalidOperationException("Only a silo joins the membership table.");
        var now = _time.GetUtcNow();
        var entry = new MembershipEntry(role.Local.SiloAddress, SiloStatus.Joining, role.Local.Name,
            DateTimeOffset.FromUnixTimeMilliseconds(role.Local.SiloAddress.Generation), now, SiloLoad.None);
        role.Local.SetStatus(SiloStatus.Joining);
        while (true)
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken);
            if (snapshot.Entries.Any(e => e.Silo == entry.Silo))
                throw new InvalidOperationException($"Silo {entry.Silo} is already in the membership table; a restarted silo joins with a new generation.");
            if (await _table.TryInsertAsync(entry, snapshot.Version, cancellationToken)) break;
        }
        await SetOwnStatusAsync(SiloStatus.Active, cancellationToken);
    }

    /// <summary>Changes this silo's status in the table (Active, ShuttingDown, Dead), retrying lost version races.</summary>
    /// <returns>False if the cluster had already declared this silo dead (the row stays Dead).</returns>
    public async Task<bool> SetOwnStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        var role = _role ?? throw new InvalidOperationException("Only a silo has a status.");
        while (true)
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken);
            var own = snapshot.Entries.FirstOrDefault(e => e.Silo == role.Local.SiloAddress)
                ?? throw new InvalidOperationException($"Silo {role.Local.SiloAddress} has no membership row.");
            if (own.Status == SiloStatus.Dead && status != SiloStatus.Dead) return false;
            if (await _table.TryUpdateAsync(own with { Status = status, IAmAliveTime = _time.GetUtcNow() }, snapshot.Version, cancellationToken))
            {
                role.Local.SetStatus(status);
                Log.StatusChanged(_logger, role.Local.SiloAddress.ToString(), status);
                await RefreshAsync(cancellationToken);
                return true;
            }
        }
    }

    private partial IEnumerable<Task> SiloLoops(CancellationToken stoppingToken)
    {
        if (_role is null) yield break;
        yield return HeartbeatLoopAsync(_role, stoppingToken);
        yield return ProbeLoopAsync(_role, stoppingToken);
    }

    private async Task HeartbeatLoopAsync(SiloMembershipRole role, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.IAmAliveInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (role.Local.CurrentStatus is SiloStatus.Dead or SiloStatus.Created) continue;
            await TryAsync(ct => _table.UpdateIAmAliveAsync(role.Local.SiloAddress, _time.GetUtcNow(), role.Load(), ct), stoppingToken);
        }
    }

    private async Task ProbeLoopAsync(SiloMembershipRole role, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ProbeInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (role.Local.CurrentStatus is not (SiloStatus.Active or SiloStatus.ShuttingDown)) continue;
            await TryAsync(ct => DetectFailuresAsync(role, ct), stoppingToken);
        }
    }

    /// <summary>Declares dead every other silo whose heartbeat is older than <see cref="MembershipOptions.DeathTimeout"/> and that does not answer a probe.</summary>
    private async Task DetectFailuresAsync(SiloMembershipRole role, CancellationToken cancellationToken)
    {
        var snapshot = _current;
        var now = _time.GetUtcNow();
        foreach (var entry in snapshot.Entries)
        {
            if (entry.Silo == role.Local.SiloAddress || entry.Status == SiloStatus.Dead) continue;
            var silence = now - entry.IAmAliveTime;
            if (silence <= _options.DeathTimeout) continue;
            if (role.Prober is not null)
            {
                using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                probeTimeout.CancelAfter(_options.ProbeTimeout);
                bool answered;
                try
                {
                    answered = await role.Prober.ProbeAsync(entry.Silo, probeTimeout.Token);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    answered = false;
                }
                if (answered) continue;
            }

            Log.DeclaringDead(_logger, entry.Silo.ToString(), silence.TotalSeconds);
            var latest = await _table.ReadAllAsync(cancellationToken);
            var row = latest.Entries.FirstOrDefault(e => e.Silo == entry.Silo);
            if (row is null || row.Status == SiloStatus.Dead || now - row.IAmAliveTime <= _options.DeathTimeout) continue;
            await _table.TryUpdateAsync(row with { Status = SiloStatus.Dead }, latest.Version, cancellationToken);
            await RefreshAsync(cancellationToken);
        }
    }

    partial void OnSnapshot(MembershipTableSnapshot snapshot)
    {
        if (_role is not { } role || role.Local.CurrentStatus is SiloStatus.Dead or SiloStatus.Created or SiloStatus.Joining) return;
        var own = snapshot.Entries.FirstOrDefault(e => e.Silo == role.Local.SiloAddress);
        if (own?.Status != SiloStatus.Dead) return;
        // The others declared us dead (we were silent too long): refuse to go on; a restart rejoins as a new silo.
        Log.DeclaredDead(_logger, role.Local.SiloAddress.ToString());
        role.Local.SetStatus(SiloStatus.Dead);
        role.Lifetime.StopApplication();
    }
}
