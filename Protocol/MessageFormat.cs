namespace Game.Protocol;

/// <summary>How an encoded message travels: the WebSocket frame type it needs.</summary>
public enum MessageFormat
{
    /// <summary>A UTF-8 JSON text frame (wire protocol v1, shared protocol.md).</summary>
    Text,
    /// <summary>A binary frame: the compact encoding of <c>map</c>, <c>roster</c> and <c>input</c> (docs/protocol-binary.md), negotiated in <c>hello</c>.</summary>
    Binary,
}
