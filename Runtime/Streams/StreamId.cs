namespace Game.Runtime.Streams;

/// <summary>
/// Identifies a stream: a namespace (what kind of stream, e.g. <c>room</c>) and a key (which one,
/// e.g. the room id). Printed as <c>namespace/key</c>. Stands for Orleans's <c>StreamId</c>.
/// </summary>
/// <param name="Namespace">The stream namespace.</param>
/// <param name="Key">The stream key.</param>
public readonly record struct StreamId(string Namespace, string Key)
{
    /// <summary>Creates a stream id; same as the constructor, named as Orleans's <c>StreamId.Create</c>.</summary>
    public static StreamId Create(string @namespace, string key) => new(@namespace, key);

    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Key}";
}

/// <summary>The position of an item among those published through one stream handle (one producer): a sequence number starting at 1. Stands for Orleans's <c>StreamSequenceToken</c>.</summary>
/// <param name="SequenceNumber">Items published through the same handle before and including this one.</param>
public sealed record StreamSequenceToken(long SequenceNumber);
