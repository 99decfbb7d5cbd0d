using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Game.Browser.Tests;

/// <summary>A plain WebSocket player (shared protocol.md) used to watch the room from the server's side.</summary>
internal sealed class ObserverClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public static async Task<ObserverClient> ConnectAsync(Uri wsUri, CancellationToken ct)
    {
        var client = new ObserverClient();
        await client._socket.ConnectAsync(wsUri, ct);
        return client;
    }

    public Task SendAsync(object message, CancellationToken ct) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, endOfMessage: true, ct);

    /// <summary>The next text message, parsed; throws when the socket closes.</summary>
    public async Task<JsonElement> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"the gateway closed the observer's socket ({result.CloseStatus} {result.CloseStatusDescription})");
            }
            frame.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length));
                return doc.RootElement.Clone();
            }
        }
    }

    /// <summary>Reads until a message of <paramref name="type"/> arrives; an <c>error</c> fails at once.</summary>
    public async Task<JsonElement> ReceiveTypeAsync(string type, CancellationToken ct)
    {
        while (true)
        {
            var msg = await ReceiveAsync(ct);
            var t = msg.GetProperty("type").GetString();
            if (t == type)
            {
                return msg;
            }
            if (t == "error")
            {
                throw new InvalidOperationException($"observer got an error while waiting for '{type}': {msg}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // A close that does not complete is fine at the end of a test.
            }
        }
        _socket.Dispose();
    }
}
