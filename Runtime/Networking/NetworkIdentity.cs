using Game.Runtime.Hosting;

namespace Game.Runtime.Networking;

/// <summary>
/// Who this process is on the cluster network: a silo (its address, read each time because the runtime sets the
/// endpoint once the listener is bound) or a client such as a gateway (<c>client:&lt;guid&gt;</c>).
/// </summary>
internal sealed class NetworkIdentity(ILocalSiloDetails? silo)
{
    private readonly string _clientName = $"client:{Guid.NewGuid():N}";

    /// <summary>This silo's address; null in a client.</summary>
    public SiloAddress? Silo => silo?.SiloAddress;

    public bool IsSilo => silo is not null;

    /// <summary>The name sent in Hello frames.</summary>
    public string Name => silo?.SiloAddress.ToString() ?? _clientName;
}
