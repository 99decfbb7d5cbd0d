namespace Game.Runtime.Networking;

/// <summary>
/// What a process does with the frames a <see cref="Connection"/> does not handle itself (it handles responses, pings,
/// pongs and an outbound connection's Hello reply).
/// </summary>
internal interface IFrameHandler
{
    /// <summary>An inbound connection introduced itself: check the generation it expects, record its name, reply with a Hello.</summary>
    void OnHello(Connection connection, string name, long expectedGeneration);

    /// <summary>Any other frame. Throwing closes the connection (a protocol error); per-call problems are answered, not thrown.</summary>
    void OnFrame(Connection connection, FrameKind kind, ReadOnlySpan<byte> payload);

    /// <summary>The connection closed (once).</summary>
    void OnClosed(Connection connection);
}

/// <summary>Limits and the logger every connection of a process shares.</summary>
/// <param name="SendQueueCapacity">See <see cref="ClusterNetworkingOptions.SendQueueCapacity"/>.</param>
/// <param name="MaxFrameBytes">See <see cref="ClusterNetworkingOptions.MaxFrameBytes"/>.</param>
/// <param name="Logger">Where connection events go.</param>
internal sealed record ConnectionSettings(int SendQueueCapacity, int MaxFrameBytes, Microsoft.Extensions.Logging.ILogger Logger);
