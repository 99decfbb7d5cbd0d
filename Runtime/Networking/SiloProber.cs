using Game.Runtime.Hosting;
using Game.Runtime.Membership;

namespace Game.Runtime.Networking;

/// <summary>Probes a silo with a Ping over its pool connection (connecting if needed); the token bounds the wait.</summary>
internal sealed class SiloProber(SiloConnectionPool pool) : ISiloProber
{
    public Task<bool> ProbeAsync(SiloAddress silo, CancellationToken cancellationToken) => pool.PingAsync(silo, cancellationToken);
}
