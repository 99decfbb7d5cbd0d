namespace Game.Runtime.Networking;

/// <summary>
/// Connections between silos and gateways (configuration section <c>Runtime:Networking</c>).
/// Validated by <see cref="NetworkingOptionsValidator"/>.
/// </summary>
public sealed class ClusterNetworkingOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Runtime:Networking";

    /// <summary>
    /// Frames a connection may have waiting to be written. When this many wait, new stream items for the connection
    /// are dropped (the publisher never waits); when twice as many wait, the connection is closed (its pending calls fail
    /// with <see cref="SiloUnavailableException"/>, the peer reconnects and resubscribes). <value>Default: 4096 frames.</value>
    /// </summary>
    public int SendQueueCapacity { get; set; } = 4096;

    /// <summary>How long opening a connection to a silo may take before the calls waiting on it fail. <value>Default: 5 seconds.</value></summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Longest wait between reconnection attempts to a silo that is still alive in the membership view; attempts start
    /// 100 ms after a failure and double. Calls to the silo fail at once while waiting. <value>Default: 2 seconds.</value>
    /// </summary>
    public TimeSpan ReconnectBackoffMax { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest frame accepted, bytes; a larger one closes the connection as a protocol error. <value>Default: 16 MiB.</value></summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>On shutdown, how long a connection may take to write what it still has queued before it is aborted. <value>Default: 2 seconds.</value></summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Grain locations a process keeps cached (about 150 bytes each). Past this many, about a tenth of the entries are
    /// dropped (a dropped entry costs one directory lookup on the grain's next call), so a long-running gateway that sees
    /// millions of players over its life does not grow without bound. Stands for Orleans's <c>CacheSize</c>.
    /// <value>Default: 100,000 entries.</value>
    /// </summary>
    public int LocationCacheCapacity { get; set; } = 100_000;
}
