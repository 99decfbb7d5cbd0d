using Game.Runtime.Hosting;

namespace Game.Runtime.Membership;

/// <summary>Asks a silo directly whether it is alive (a ping over the cluster transport), for failure detection.</summary>
internal interface ISiloProber
{
    /// <summary>True if <paramref name="silo"/> answered within the token's time.</summary>
    Task<bool> ProbeAsync(SiloAddress silo, CancellationToken cancellationToken);
}
