using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Game.Gateway.Tests.Fakes;

/// <summary>
/// A server-side WebSocket driven by a test: frames to "receive" are pushed in, frames "sent" come out, and sending
/// can be held (a client that stopped reading, or a full TCP window).
/// </summary>
internal sealed class ScriptedWebSocket : WebSocket
{
    private readonly Channel<(byte[] Data, WebSocketMessageType Type)> _incoming = Channel.CreateUnbounded<(byte[], WebSocketMessageType)>();
    private readonly Channel<JsonElement> _sent = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _aborted = new();
    private volatile TaskCompletionSource _gate = Open();
    private volatile WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;
    public override string? CloseStatusDescription => null;
    public override WebSocketState State => _state;
    public override string? SubProtocol => null;
    public bool WasAborted => _aborted.IsCancellationRequested;

    private static TaskCompletionSource Open()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }

    public void Push(string json) => _incoming.Writer.TryWrite((Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text));
    public void PushClose() => _incoming.Writer.TryWrite(([], WebSocketMessageType.Close));

    /// <summary>Holds every send from now on until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    public void Release() => _gate.TrySetResult();

    /// <summary>Completes when a send is waiting on <see cref="Hold"/>.</summary>
    public Task SendHeld => _held.Task;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next frame the server sent (as JSON), with a deadline.</summary>
    public async Task<JsonElement> NextSentAsync(string expected, TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TestClient.DefaultTimeout);
        try
        {
            return await _sent.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"expected the server to send {expected}; it sent nothing more (socket {_state})");
            throw;
        }
    }

    public async Task<JsonElement> SentOfTypeAsync(string type)
    {
        while (true)
        {
            var m = await NextSentAsync($"a '{type}'");
            if (TestClient.TypeOf(m) == type) return m;
        }
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        (byte[] Data, WebSocketMessageType Type) frame;
        try
        {
            frame = await _incoming.Reader.ReadAsync(_aborted.Token);
        }
        catch (OperationCanceledException)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }
        if (frame.Type == WebSocketMessageType.Close)
        {
            _state = _state == WebSocketState.CloseSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
            return new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true);
        }
        frame.Data.CopyTo(buffer);
        return new ValueWebSocketReceiveResult(frame.Data.Length, frame.Type, true);
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var r = await ReceiveAsync(buffer.AsMemory(), cancellationToken);
        return new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage);
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        try
        {
            var gate = _gate.Task;
            if (!gate.IsCompleted) _held.TrySetResult();
            await gate.WaitAsync(_aborted.Token);
        }
        catch (OperationCanceledException)
        {
            throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely);
        }
        using var doc = JsonDocument.Parse(buffer);
        _sent.Writer.TryWrite(doc.RootElement.Clone());
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _closeStatus = closeStatus;
        _state = _state == WebSocketState.CloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent;
        if (_state == WebSocketState.CloseSent) PushClose(); // the client answers the close at once
        return Task.CompletedTask;
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort()
    {
        _state = WebSocketState.Aborted;
        _aborted.Cancel();
    }

    public override void Dispose() => _aborted.Dispose();
}
