namespace Game.Protocol;

/// <summary>
/// The encoding a connection speaks, negotiated in <c>hello</c> (<c>"encoding"</c>, docs/protocol-binary.md) and
/// echoed in <c>welcome</c>.
/// </summary>
public enum WireEncoding
{
    /// <summary><c>"json"</c>: every message a UTF-8 JSON text frame (wire protocol v1, shared protocol.md). The default.</summary>
    Json,

    /// <summary>
    /// <c>"binary"</c>: <c>map</c> (with its <c>roster</c>) and <c>input</c> as binary frames
    /// (docs/protocol-binary.md); every other message stays JSON.
    /// </summary>
    Binary,
}
