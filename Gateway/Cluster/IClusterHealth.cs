using Orleans;
using Orleans.Runtime;

namespace Game.Gateway.Cluster;

/// <summary>Whether this gateway can serve players (<c>GET /healthz</c>).</summary>
internal interface IClusterHealth
{
    /// <summary>True when grain calls can be made; <paramref name="status"/> says why or why not, in a word.</summary>
    bool IsHealthy(out string status);
}

/// <summary>
/// Health from Orleans: with a co-hosted silo, that silo's membership status must be <see cref="SiloStatus.Active"/>;
/// as a cluster client, the client must be connected to at least one silo gateway.
/// </summary>
internal sealed class OrleansClusterHealth : IClusterHealth, IClusterConnectionStatusObserver
{
    private readonly ISiloStatusOracle? _silo;
    private volatile bool _connected = true;

    public OrleansClusterHealth(IServiceProvider services) => _silo = services.GetService<ISiloStatusOracle>();

    public bool IsHealthy(out string status)
    {
        if (_silo is not null)
        {
            var current = _silo.CurrentStatus;
            status = current.ToString();
            return current == SiloStatus.Active;
        }
        status = _connected ? "Connected" : "Disconnected";
        return _connected;
    }

    void IClusterConnectionStatusObserver.NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
        => _connected = currentNumberOfGateways > 0;

    void IClusterConnectionStatusObserver.NotifyClusterConnectionLost() => _connected = false;
}
