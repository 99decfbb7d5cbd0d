using System.Collections.Concurrent;

namespace Game.Runtime.Networking;

internal sealed partial class Connection
{
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<bool>> _pings = new();
    private long _nextCallId;
    private long _nextPingId;

    /// <summary>Calls sent and not yet answered.</summary>
    public int PendingCalls => _pending.Count;

    /// <summary>
    /// Sends a call. A two-way call waits in the pending table for its response, until its deadline (see
    /// <see cref="SweepTimeouts"/>) or until the connection closes; if it cannot be queued it fails at once with
    /// <see cref="SiloUnavailableException"/>.
    /// </summary>
    public void SendCall(PendingCall call)
    {
        if (call.IsOneWay)
        {
            if (!TrySend(call)) NetworkingLog.OneWayNotSent(Logger, call.Message.ToString(), Description, "the connection is closed or full");
            return;
        }

        var id = Interlocked.Increment(ref _nextCallId);
        call.CallId = id;
        _pending[id] = call;
        // Abort drains the table after setting the closed flag: whichever of us removes the entry fails the call.
        if ((!TrySend(call) || _isClosed) && _pending.TryRemove(id, out _))
            call.Fail(new SiloUnavailableException($"The connection to {Description} is closed; {call.Message} was not sent."));
    }

    /// <summary>Removes a call whose request could not be encoded (it was never sent).</summary>
    public bool TryRemovePending(long callId) => _pending.TryRemove(callId, out _);

    /// <summary>Fails with <see cref="TimeoutException"/> every pending call whose deadline (a <see cref="TimeProvider"/> timestamp) is at or before <paramref name="now"/>.</summary>
    public void SweepTimeouts(long now)
    {
        if (_pending.IsEmpty) return;
        foreach (var entry in _pending)
        {
            if (entry.Value.Deadline > now || !_pending.TryRemove(entry.Key, out var call)) continue;
            call.Fail(new TimeoutException($"{call.Message} got no response from {Description} within {call.Timeout.TotalMilliseconds:F0} ms."));
        }
    }

    /// <summary>Pings the peer; true when it answers before <paramref name="cancellationToken"/> is cancelled, false if not or if the connection closes.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextPingId);
        var answered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[id] = answered;
        try
        {
            if (!TrySend(new PingFrame(FrameKind.Ping, id)) || _isClosed) return false;
            return await answered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _pings.TryRemove(id, out _);
        }
    }

    private void OnPong(long id)
    {
        if (_pings.TryGetValue(id, out var answered)) answered.TrySetResult(true);
    }

    /// <summary>Response: <c>int64 call id, byte status (0 ok, 1 error), byte flags (1 forwarded), guid activation</c>, then the JSON result or <c>string type, string message</c>.</summary>
    private void OnResponse(ReadOnlySpan<byte> payload)
    {
        var reader = new FrameReader(payload);
        var id = reader.ReadInt64();
        var status = reader.ReadByte();
        var flags = reader.ReadByte();
        var activation = reader.ReadGuid();
        if (status == ResponseStatus.Ok)
        {
            if (_pending.TryRemove(id, out var call)) call.Complete(reader.Remaining, flags, activation);
            return;
        }
        var type = reader.ReadString();
        var message = reader.ReadString();
        if (_pending.TryRemove(id, out var failed)) failed.Fail(RemoteExceptions.Rehydrate(type, message), flags);
    }

    private void FailPending(Exception? reason)
    {
        foreach (var ping in _pings.Values) ping.TrySetResult(false);
        if (_pending.IsEmpty) return;
        var text = $"The connection to {Description} closed ({reason?.Message ?? "normal close"}) before the call was answered.";
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var call)) call.Fail(new SiloUnavailableException($"{call.Message}: {text}"));
        }
    }
}

/// <summary>Response status and flag bytes.</summary>
internal static class ResponseStatus
{
    public const byte Ok = 0;
    public const byte Error = 1;

    /// <summary>Flag: the call did not run where the caller sent it (the activation had moved or ended); the caller drops its cached location.</summary>
    public const byte Forwarded = 1;
}
