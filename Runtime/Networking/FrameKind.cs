namespace Game.Runtime.Networking;

/// <summary>
/// The kinds of frame on a cluster connection. A frame is <c>int32 payload length (little endian), byte kind, payload</c>;
/// each payload layout is documented where it is encoded (<see cref="PendingCall.Encode"/>, <see cref="RemoteResponseSink"/>, <see cref="StreamKey"/>). Values are part of the wire format: never renumber.
/// </summary>
internal enum FrameKind : byte
{
    /// <summary>First frame each way: the sender's name and the silo generation it expects (0: any) or has.</summary>
    Hello = 1,
    /// <summary>A grain call: call id, flags (one-way), expected activation, target, interface, method, parameter count, JSON arguments.</summary>
    Request = 2,
    /// <summary>The outcome of a call: call id, status, flags (forwarded), activation id, then the JSON result or the error.</summary>
    Response = 3,
    /// <summary>Send this connection the items of a stream: provider, stream id, item type name.</summary>
    StreamSubscribe = 4,
    /// <summary>Stop sending this connection the items of a stream.</summary>
    StreamUnsubscribe = 5,
    /// <summary>One stream item: provider, stream id, item type name, JSON item.</summary>
    StreamItem = 6,
    /// <summary>Are you alive? (an id, echoed by <see cref="Pong"/>).</summary>
    Ping = 7,
    /// <summary>The answer to a <see cref="Ping"/>.</summary>
    Pong = 8,
    /// <summary>Reserved for live migration (an activation and its state); payload defined by the runtime.</summary>
    ActivateWithState = 9,
    /// <summary>
    /// The answer to a one-way call the receiving silo had to forward because the activation the caller cached is no
    /// longer there: <c>string grain type, string key</c>. The caller drops its cached location of that grain on this
    /// silo, so its next call looks the grain up instead of being forwarded again (a two-way call learns the same from
    /// its response's forwarded flag). Stands for Orleans's cache-invalidation header.
    /// </summary>
    CacheInvalidation = 10,
}
