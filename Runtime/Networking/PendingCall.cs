using Game.Runtime.Catalog;
using Game.Runtime.Hosting;

namespace Game.Runtime.Networking;

/// <summary>
/// A call sent to another silo: the Request frame (encoded in the connection's send loop) and, for a two-way call, the
/// entry waiting for its Response. Feeds what it learns back to the <see cref="GrainLocationCache"/>: a forwarded or
/// unavailable answer drops the cached location, a normal one records the activation that answered.
/// </summary>
internal sealed class PendingCall : OutboundFrame
{
    private readonly GrainLocationCache _cache;
    private readonly MethodWireInfo _wire;
    private readonly Guid _expectedActivation;

    public PendingCall(Message message, SiloAddress silo, Guid expectedActivation, GrainLocationCache cache, long deadline, TimeSpan timeout)
    {
        Message = message;
        Silo = silo;
        _expectedActivation = expectedActivation;
        _cache = cache;
        _wire = MethodWireInfo.For(message.Method);
        Deadline = deadline;
        Timeout = timeout;
    }

    public Message Message { get; }

    /// <summary>The silo the call was sent to.</summary>
    public SiloAddress Silo { get; }

    /// <summary>Set by the connection when it registers a two-way call; 0 for one-way calls.</summary>
    public long CallId { get; set; }

    /// <summary>When the call times out, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long Deadline { get; }

    public TimeSpan Timeout { get; }

    public bool IsOneWay => Message.Response is null;

    /// <summary>
    /// Request: <c>int64 call id, byte flags (1 one-way), guid expected activation (empty: any), string grain type,
    /// string grain key, string interface full name, string method name, varuint parameter count</c>, then the arguments
    /// as a JSON array written by the parameters' declared types (cancellation tokens left out).
    /// </summary>
    public override ReadOnlySpan<byte> Encode(FrameEncoder encoder)
    {
        var b = encoder.Buffer;
        b.Start(FrameKind.Request);
        b.WriteInt64(CallId);
        b.WriteByte(IsOneWay ? RequestFlags.OneWay : (byte)0);
        b.WriteGuid(_expectedActivation);
        b.WriteString(Message.Target.Type);
        b.WriteString(Message.Target.Key);
        b.WriteUtf8(_wire.InterfaceName);
        b.WriteUtf8(_wire.MethodName);
        b.WriteVarUInt((uint)_wire.ParameterCount);
        _wire.WriteArguments(encoder.Json(), Message.Arguments);
        return b.Finish();
    }

    /// <summary>An argument could not be serialized: the call fails with that exception (it was never sent).</summary>
    public override void EncodeFailed(Connection connection, Exception exception)
    {
        if (IsOneWay) base.EncodeFailed(connection, exception);
        else if (connection.TryRemovePending(CallId)) Message.Response!.Fail(exception);
    }

    /// <summary>The silo answered: read the result by the method's result type and complete the caller's task.</summary>
    public void Complete(ReadOnlySpan<byte> json, byte flags, Guid activation)
    {
        object? result;
        try
        {
            result = _wire.ReadResult(json);
        }
        catch (Exception ex)
        {
            Message.Response!.Fail(ex);
            return;
        }
        if ((flags & ResponseStatus.Forwarded) != 0) _cache.Invalidate(Message.Target, Silo);
        else if (activation != Guid.Empty) _cache.Learn(Message.Target, Silo, activation);
        Message.Response!.Complete(result);
    }

    /// <summary>The call failed (remote exception, timeout, connection lost).</summary>
    public void Fail(Exception exception, byte flags = 0)
    {
        if (exception is SiloUnavailableException || (flags & ResponseStatus.Forwarded) != 0) _cache.Invalidate(Message.Target, Silo);
        Message.Response?.Fail(exception);
    }
}

/// <summary>Request flag bytes.</summary>
internal static class RequestFlags
{
    /// <summary>No response is expected (the method is <see cref="OneWayAttribute">[OneWay]</see>).</summary>
    public const byte OneWay = 1;
}
