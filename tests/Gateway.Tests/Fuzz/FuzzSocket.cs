using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Game.Gateway.Tests.Fuzz;

/// <summary>One frame the server sent, as it arrived (no parsing: the oracle judges it).</summary>
internal sealed record Received(WebSocketMessageType Type, byte[] Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    public override string ToString() => Type == WebSocketMessageType.Text ? Text : $"<binary {Bytes.Length} bytes>";
}

/// <summary>
/// A raw WebSocket to <c>/ws</c> for fuzzing: sends any bytes as text or binary frames, keeps every frame the server
/// sends, unparsed, and records how the server closed. Every wait has a deadline.
/// </summary>
internal sealed class FuzzSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<Received> _inbox = Channel.CreateUnbounded<Received>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _pump = Task.CompletedTask;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;
    public WebSocketState State => _socket.State;
    public bool Closed => _closed.Task.IsCompleted;

    public static async Task<FuzzSocket> ConnectAsync(Uri server)
    {
        var socket = new FuzzSocket();
        var ws = new UriBuilder(server) { Scheme = "ws", Path = "/ws" }.Uri;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket._socket.ConnectAsync(ws, cts.Token);
        socket._pump = Task.Run(socket.PumpAsync);
        return socket;
    }

    /// <summary>Sends one frame; false if the socket was no longer open (the server closed it).</summary>
    public async Task<bool> SendAsync(byte[] bytes, WebSocketMessageType type)
    {
        if (_socket.State != WebSocketState.Open) return false;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException
                                   || (ex is OperationCanceledException && _socket.State != WebSocketState.Open))
        {
            return false; // the connection ended under the send (an aborted socket cancels its sends)
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"sending a {bytes.Length}-byte {type} frame did not finish within 10 s (socket {_socket.State})");
        }
    }

    public Task<bool> SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>
    /// Reads frames until <paramref name="stop"/> matches one (returned last in the list), the server closes the socket
    /// (<c>closed</c> true), or <paramref name="within"/> passes (<c>timedOut</c> true).
    /// </summary>
    public async Task<(List<Received> Frames, bool Matched, bool Closed, bool TimedOut)> ReadUntilAsync(Func<Received, bool> stop, TimeSpan within)
    {
        var frames = new List<Received>();
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                var frame = await _inbox.Reader.ReadAsync(cts.Token);
                frames.Add(frame);
                if (stop(frame)) return (frames, true, false, false);
            }
        }
        catch (ChannelClosedException)
        {
            return (frames, false, true, false);
        }
        catch (OperationCanceledException)
        {
            return (frames, false, false, true);
        }
    }

    /// <summary>Frames already received and not read yet.</summary>
    public List<Received> Drain()
    {
        var frames = new List<Received>();
        while (_inbox.Reader.TryRead(out var frame)) frames.Add(frame);
        return frames;
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); }
                        catch (Exception) { }
                        return;
                    }
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                _inbox.Writer.TryWrite(new Received(result.MessageType, message.ToArray()));
            }
        }
        catch (Exception)
        {
            // The connection ended (aborted or failed): recorded by the closed state.
        }
        finally
        {
            _inbox.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "fuzz done", cts.Token);
                await Task.WhenAny(_closed.Task, Task.Delay(TimeSpan.FromSeconds(5)));
            }
        }
        catch (Exception)
        {
            // Best effort.
        }
        _socket.Abort();
        await _pump;
        _socket.Dispose();
    }
}
