using Game.Runtime.Streams;

namespace Game.Runtime.Networking;

/// <summary>
/// Something queued on a <see cref="Connection"/> to be written by its send loop. Frames are encoded in the send loop
/// (with the connection's reusable <see cref="FrameEncoder"/>), except <see cref="SharedFrame"/>s, encoded once and
/// written to many connections.
/// </summary>
internal abstract class OutboundFrame
{
    /// <summary>Stream items are dropped, not queued, when the connection is behind (see <see cref="ClusterNetworkingOptions.SendQueueCapacity"/>).</summary>
    public virtual bool IsStreamItem => false;

    /// <summary>The whole frame (header and payload), valid until the encoder is used again.</summary>
    public abstract ReadOnlySpan<byte> Encode(FrameEncoder encoder);

    /// <summary>Encoding threw: nothing was written. The default only logs.</summary>
    public virtual void EncodeFailed(Connection connection, Exception exception) => NetworkingLog.FrameEncodingFailed(connection.Logger, exception, GetType().Name, connection.Description);
}

/// <summary>A frame encoded once, by whoever created it; the same bytes go to every connection it is queued on.</summary>
internal sealed class SharedFrame(byte[] bytes, bool isStreamItem) : OutboundFrame
{
    public override bool IsStreamItem => isStreamItem;

    public int Length => bytes.Length;

    public override ReadOnlySpan<byte> Encode(FrameEncoder encoder) => bytes;
}

/// <summary>Hello: <c>string name, int64 generation</c> (the silo generation the sender expects to reach, or its own; 0: none).</summary>
internal sealed class HelloFrame(string name, long generation) : OutboundFrame
{
    public override ReadOnlySpan<byte> Encode(FrameEncoder encoder)
    {
        var b = encoder.Buffer;
        b.Start(FrameKind.Hello);
        b.WriteString(name);
        b.WriteInt64(generation);
        return b.Finish();
    }
}

/// <summary>Ping or Pong: <c>int64 id</c>.</summary>
internal sealed class PingFrame(FrameKind kind, long id) : OutboundFrame
{
    public override ReadOnlySpan<byte> Encode(FrameEncoder encoder)
    {
        var b = encoder.Buffer;
        b.Start(kind);
        b.WriteInt64(id);
        return b.Finish();
    }
}

/// <summary>CacheInvalidation: <c>string grain type, string key</c> (see <see cref="FrameKind.CacheInvalidation"/>).</summary>
internal sealed class CacheInvalidationFrame(GrainId grain) : OutboundFrame
{
    public override ReadOnlySpan<byte> Encode(FrameEncoder encoder)
    {
        var b = encoder.Buffer;
        b.Start(FrameKind.CacheInvalidation);
        b.WriteString(grain.Type);
        b.WriteString(grain.Key);
        return b.Finish();
    }
}

/// <summary>Which stream (of which provider, with which item type) a subscription or an item is about.</summary>
/// <param name="Provider">The stream provider's name.</param>
/// <param name="Stream">The stream id.</param>
/// <param name="ItemType">Full name of the item type the subscriber (or publisher) uses; items of another type are not delivered.</param>
internal readonly record struct StreamKey(string Provider, StreamId Stream, string ItemType)
{
    public void Write(FrameBuffer b)
    {
        b.WriteString(Provider);
        b.WriteString(Stream.Namespace);
        b.WriteString(Stream.Key);
        b.WriteString(ItemType);
    }

    public static StreamKey Read(ref FrameReader r)
    {
        var provider = r.ReadString();
        var ns = r.ReadString();
        var key = r.ReadString();
        return new StreamKey(provider, new StreamId(ns, key), r.ReadString());
    }

    public override string ToString() => $"{Provider}:{Stream} ({ItemType})";
}

/// <summary>StreamSubscribe or StreamUnsubscribe: <c>string provider, string namespace, string key, string item type</c>.</summary>
internal sealed class StreamControlFrame(FrameKind kind, StreamKey key) : OutboundFrame
{
    public override ReadOnlySpan<byte> Encode(FrameEncoder encoder)
    {
        var b = encoder.Buffer;
        b.Start(kind);
        key.Write(b);
        return b.Finish();
    }
}

/// <summary>The name of <typeparamref name="T"/> as sent in stream frames, computed once.</summary>
internal static class StreamItemType<T>
{
    public static readonly string Name = typeof(T).FullName ?? typeof(T).Name;
}
