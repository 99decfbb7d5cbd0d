namespace Game.LoadTest;

/// <summary>The wire encoding a bot speaks to the gateway.</summary>
public enum BotEncoding
{
    /// <summary>UTF-8 JSON text frames, one message per frame (shared protocol.md, wire protocol v1). The default.</summary>
    Json,

    /// <summary>
    /// A compact binary encoding negotiated in <c>hello</c> with <c>"encoding":"binary"</c>.
    /// Reserved: not implemented yet; <see cref="BotCodecs.Create"/> rejects it.
    /// </summary>
    Binary,
}
