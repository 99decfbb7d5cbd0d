namespace Game.Protocol;

/// <summary>How an encoded message travels: the WebSocket frame type it needs.</summary>
public enum MessageFormat
{
    /// <summary>A UTF-8 JSON text frame (wire protocol v1, shared protocol.md).</summary>
    Text,
    /// <summary>A binary frame (reserved for a compact encoding of <c>map</c>/<c>input</c>, an optional extension).</summary>
    Binary,
}
