using Game.Runtime.Catalog;

namespace Game.Runtime.Networking;

/// <summary>
/// Where the outcome of a call that came over a connection goes: the Response frame back on that connection. The result
/// is serialized in the connection's send loop, by the method's result type; a result that cannot be serialized is
/// answered with that error instead. The response names the activation now registered here for the grain and says
/// whether the call had to be forwarded (the caller's cached location was stale).
/// </summary>
internal sealed class RemoteResponseSink : OutboundFrame, IResponseSink
{
    private readonly Connection _connection;
    private readonly long _callId;
    private readonly MethodWireInfo? _wire;
    private readonly LocalActivationTable? _table;
    private object? _result;
    private Exception? _error;

    public RemoteResponseSink(Connection connection, long callId, MethodWireInfo? wire, LocalActivationTable? table)
    {
        _connection = connection;
        _callId = callId;
        _wire = wire;
        _table = table;
    }

    /// <summary>The call answered (set right after the message is created).</summary>
    public Message? Message { get; set; }

    /// <summary>Answers <paramref name="callId"/> on <paramref name="connection"/> with <paramref name="error"/>.</summary>
    public static void SendError(Connection connection, long callId, Exception error)
        => new RemoteResponseSink(connection, callId, null, null).Fail(error);

    public void Complete(object? result)
    {
        _result = result;
        _connection.TrySend(this); // if the connection closed, the caller's call already failed
    }

    public void Fail(Exception exception)
    {
        _error = exception;
        _connection.TrySend(this);
    }

    public override ReadOnlySpan<byte> Encode(FrameEncoder encoder)
    {
        var b = encoder.Buffer;
        if (_error is null)
        {
            try
            {
                WriteHeader(b, ResponseStatus.Ok);
                _wire?.WriteResult(encoder.Json(), _result);
                return b.Finish();
            }
            catch (Exception ex)
            {
                _error = ex;
            }
        }
        WriteHeader(b, ResponseStatus.Error);
        b.WriteString(RemoteExceptions.TypeNameOf(_error));
        b.WriteString(_error.Message);
        return b.Finish();
    }

    private void WriteHeader(FrameBuffer b, byte status)
    {
        b.Start(FrameKind.Response);
        b.WriteInt64(_callId);
        b.WriteByte(status);
        b.WriteByte(Message is { ForwardCount: > 0 } ? ResponseStatus.Forwarded : (byte)0);
        b.WriteGuid(_table is not null && Message is not null ? _table.Get(Message.Target) : Guid.Empty);
    }
}
