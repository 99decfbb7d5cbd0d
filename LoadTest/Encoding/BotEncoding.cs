namespace Game.LoadTest;

/// <summary>The wire encoding a bot speaks to the gateway.</summary>
public enum BotEncoding
{
    /// <summary>UTF-8 JSON text frames, one message per frame (shared protocol.md, wire protocol v1). The default.</summary>
    Json,

    /// <summary>
    /// The compact binary encoding negotiated in <c>hello</c> with <c>"encoding":"binary"</c> (docs/protocol-binary.md):
    /// <c>map</c> and <c>input</c> as binary frames, everything else JSON.
    /// </summary>
    Binary,
}
