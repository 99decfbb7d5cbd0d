namespace Game.Runtime.Networking;

/// <summary>
/// Where a silo listens for other silos and gateways (configuration section <c>Silo</c>).
/// Validated by <see cref="NetworkingOptionsValidator"/> when the listener is created.
/// </summary>
public sealed class SiloListenerOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Silo";

    /// <summary>TCP port of the cluster endpoint; 0 picks any free port (tests, several silos on one machine). <value>Default: 0.</value></summary>
    public int Port { get; set; }

    /// <summary>IP address (or host name) to bind; <c>0.0.0.0</c> or <c>::</c> listen on every interface and need <see cref="AdvertisedHost"/>. <value>Default: <c>127.0.0.1</c>.</value></summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>
    /// The host other processes use to reach this silo, written into its <c>SiloAddress</c> and the membership table.
    /// Null: <see cref="Host"/>. Required when <see cref="Host"/> is a wildcard address. <value>Default: null.</value>
    /// </summary>
    public string? AdvertisedHost { get; set; }
}
