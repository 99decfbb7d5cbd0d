using Microsoft.Extensions.Options;

namespace Game.Runtime.Membership;

/// <summary>
/// Heartbeats and failure detection (configuration section <c>Cluster:Membership</c>). With the defaults a
/// killed silo is declared dead within about 7 s (<see cref="DeathTimeout"/> plus one <see cref="ProbeInterval"/>).
/// Stands for Orleans's <c>ClusterMembershipOptions</c>.
/// </summary>
public sealed class MembershipOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Cluster:Membership";

    /// <summary>How often a silo writes its heartbeat (IAmAlive) and load. <value>Default: 1 second.</value></summary>
    public TimeSpan IAmAliveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each silo checks the others' heartbeats and probes the late ones. <value>Default: 1 second.</value></summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A silo whose last heartbeat is older than this, and that does not answer a probe, is declared dead. <value>Default: 6 seconds.</value></summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How long a probe may take before it counts as failed. <value>Default: 1 second.</value></summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Re-read the table at least this often, even without change notifications. <value>Default: 2 seconds.</value></summary>
    public TimeSpan TableRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Rejects membership options that would declare healthy silos dead.</summary>
internal sealed class MembershipOptionsValidator : IValidateOptions<MembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, MembershipOptions o)
    {
        if (o.IAmAliveInterval <= TimeSpan.Zero || o.ProbeInterval <= TimeSpan.Zero || o.ProbeTimeout <= TimeSpan.Zero
            || o.TableRefreshInterval <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{MembershipOptions.Section}: every interval and timeout must be positive.");
        }
        if (o.DeathTimeout < 3 * o.IAmAliveInterval)
            return ValidateOptionsResult.Fail($"{MembershipOptions.Section}:DeathTimeout ({o.DeathTimeout}) must be at least 3 × IAmAliveInterval ({o.IAmAliveInterval}).");
        return ValidateOptionsResult.Success;
    }
}
