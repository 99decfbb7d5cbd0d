using System.Collections.Immutable;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Gateway.Tests;

/// <summary>
/// A protocol client for tests: a real <see cref="ClientWebSocket"/>, a background pump that reads every message,
/// and waits that each have a deadline and fail saying what was expected and what arrived instead.
/// </summary>
/// <remarks>
/// Binary frames (docs/protocol-binary.md) are read as a binary client must: a <c>roster</c> is kept until the next
/// <c>joined</c>, and a binary <c>map</c> is turned into the JSON <c>map</c> it stands for (with <c>"binary":true</c>),
/// so the same waits work for both encodings. A binary map without its roster is recorded in <see cref="Violations"/>.
/// </remarks>
internal sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _inbox = Channel.CreateUnbounded<JsonElement>();
    private readonly List<string> _seen = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _pump = Task.CompletedTask;
    private long _lastMapTick;
    private long _probe;
    private readonly List<string> _violations = [];
    private readonly Dictionary<long, JsonElement> _mapsByTick = [];
    private (byte Version, ImmutableArray<string> Ids)? _roster;
    private int _binaryFrames;
    private int _textMaps;
    private int _rosters;

    private int _repeatedTicks;

    private TestClient(string label) => Label = label;

    public string Label { get; }
    public string? Id { get; private set; }
    public string? Token { get; private set; }

    /// <summary>The tick counter of the newest <c>map</c> received so far (0 before any).</summary>
    public long LastMapTick => Interlocked.Read(ref _lastMapTick);

    /// <summary>
    /// <c>map</c>s whose tick was not above every tick received before (a room that went back to an older state, or two
    /// activations of one room). A client that moves to another room counts one when that room's counter is lower.
    /// </summary>
    public int RepeatedTicks => Volatile.Read(ref _repeatedTicks);

    /// <summary>Binary frames received (maps and rosters).</summary>
    public int BinaryFrames => Volatile.Read(ref _binaryFrames);

    /// <summary>JSON <c>map</c> text frames received.</summary>
    public int TextMaps => Volatile.Read(ref _textMaps);

    /// <summary>Binary <c>roster</c> frames received.</summary>
    public int Rosters => Volatile.Read(ref _rosters);

    /// <summary>Binary frames that broke the client rules of docs/protocol-binary.md (e.g. a map before its roster).</summary>
    public IReadOnlyList<string> Violations
    {
        get { lock (_seen) return [.. _violations]; }
    }

    /// <summary>The <c>map</c> of <paramref name="tick"/> if it was received (the newest 400 ticks are kept), as JSON.</summary>
    public JsonElement? MapOfTick(long tick)
    {
        lock (_seen) return _mapsByTick.TryGetValue(tick, out var map) ? map : null;
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public WebSocketState State => _socket.State;

    public static async Task<TestClient> ConnectAsync(Uri server, string label = "client")
    {
        var client = new TestClient(label);
        var ws = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await client._socket.ConnectAsync(ws, cts.Token);
        client._pump = Task.Run(client.PumpAsync);
        return client;
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await _socket.SendAsync(bytes, type, endOfMessage: true, cts.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Waits for the first message matching <paramref name="match"/>, skipping others; fails after <paramref name="within"/>.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string expected, TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var message = await _inbox.Reader.ReadAsync(cts.Token);
                if (match(message)) return message;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Label}: expected {expected} within {(within ?? DefaultTimeout).TotalSeconds:0.#} s, but it did not arrive. " +
                        $"Socket {_socket.State} (close {_socket.CloseStatus}). Last messages: {Recent()}");
        }
        catch (ChannelClosedException)
        {
            Assert.Fail($"{Label}: expected {expected}, but the connection closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}). Last messages: {Recent()}");
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>
    /// Sends a <c>time</c> probe and waits for its reply: messages are handled in order, so everything sent before
    /// has been handled by then.
    /// </summary>
    public async Task RoundTripAsync()
    {
        var t = Interlocked.Increment(ref _probe) + 0.25;
        await SendAsync(new { type = "time", t });
        await WaitForAsync(m => TypeOf(m) == "time" && m.GetProperty("t").GetDouble() == t, $"the reply to time probe {t}");
    }

    /// <summary>The next message, whatever it is.</summary>
    public Task<JsonElement> NextAsync(TimeSpan? within = null) => WaitForAsync(_ => true, "any message", within);

    public Task<JsonElement> WaitForTypeAsync(string type, TimeSpan? within = null)
        => WaitForAsync(m => TypeOf(m) == type, $"a '{type}' message", within);

    /// <summary>Waits for an <c>error</c> with <paramref name="code"/>; an error with another code fails at once.</summary>
    public async Task<JsonElement> ExpectErrorAsync(string code, TimeSpan? within = null)
    {
        var error = await WaitForTypeAsync("error", within);
        Assert.True(error.GetProperty("code").GetString() == code,
            $"{Label}: expected error '{code}', got {error.GetRawText()}");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()), "an error carries a message");
        return error;
    }

    /// <summary>Waits for a <c>map</c> with a tick counter above <paramref name="tick"/>: proof the room is still ticking and the connection still fed.</summary>
    public Task<JsonElement> WaitForMapAfterAsync(long tick, TimeSpan? within = null)
        => WaitForAsync(m => TypeOf(m) == "map" && m.GetProperty("tick").GetInt64() > tick, $"a 'map' with tick > {tick}", within);

    /// <summary>Sends a binary <c>input</c> (docs/protocol-binary.md).</summary>
    public Task SendBinaryInputAsync(long seq, double time, float vx, float vy, bool attack = false)
    {
        var buffer = new byte[BinaryFormat.MaxInputSize];
        var length = BinaryMessageWriter.WriteInput(buffer, new PlayerInput(seq, time, vx, vy, attack));
        return SendBytesAsync(buffer[..length], WebSocketMessageType.Binary);
    }

    /// <summary>Says hello, asking for <paramref name="encoding"/> when given; returns the welcome.</summary>
    public async Task<JsonElement> HelloAsync(string name, string? token = null, string? encoding = null)
    {
        var hello = new JsonObject { ["type"] = "hello", ["name"] = name };
        if (token is not null) hello["token"] = token;
        if (encoding is not null) hello["encoding"] = encoding;
        await SendTextAsync(hello.ToJsonString());
        var welcome = await WaitForTypeAsync("welcome");
        Id = welcome.GetProperty("id").GetString();
        Token = welcome.GetProperty("token").GetString();
        return welcome;
    }

    /// <summary>Joins <paramref name="room"/>; returns the <c>joined</c> (fails on an <c>error</c>).</summary>
    public async Task<JsonElement> JoinAsync(string room, string? password = null)
    {
        await SendAsync(password is null ? new { type = "join", room } : new { type = "join", room, password });
        var reply = await WaitForAsync(m => TypeOf(m) is "joined" or "error", $"'joined' for room {room}");
        Assert.True(TypeOf(reply) == "joined", $"{Label}: expected to join {room}, got {reply.GetRawText()}");
        return reply;
    }

    /// <summary>Waits for the server to close the connection; returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan? within = null)
    {
        var done = await Task.WhenAny(_closed.Task, Task.Delay(within ?? DefaultTimeout));
        Assert.True(done == _closed.Task, $"{Label}: expected the server to close the connection; it is {_socket.State}. Last messages: {Recent()}");
        return _socket.CloseStatus;
    }

    public static string? TypeOf(JsonElement message)
        => message.ValueKind == JsonValueKind.Object && message.TryGetProperty("type", out var t) ? t.GetString() : null;

    private async Task PumpAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        // Answer the close handshake like a browser does.
                        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None); }
                        catch (WebSocketException) { }
                        return;
                    }
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                JsonElement message;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Interlocked.Increment(ref _binaryFrames);
                    if (ReadBinary(buffer.AsSpan(0, count)) is not { } binary) continue;
                    message = binary;
                }
                else
                {
                    using var doc = JsonDocument.Parse(buffer.AsMemory(0, count));
                    message = doc.RootElement.Clone();
                }
                var type = TypeOf(message);
                if (type == "joined") lock (_seen) _roster = null; // a client forgets its roster on joined
                if (type == "map")
                {
                    if (result.MessageType == WebSocketMessageType.Text) Interlocked.Increment(ref _textMaps);
                    var tick = message.GetProperty("tick").GetInt64();
                    if (tick <= LastMapTick) Interlocked.Increment(ref _repeatedTicks);
                    Interlocked.Exchange(ref _lastMapTick, Math.Max(LastMapTick, tick));
                    lock (_seen)
                    {
                        _mapsByTick[tick] = message;
                        _mapsByTick.Remove(tick - 400);
                    }
                }
                lock (_seen)
                {
                    _seen.Add(type == "map" ? "map" : message.GetRawText());
                    if (_seen.Count > 12) _seen.RemoveAt(0);
                }
                _inbox.Writer.TryWrite(message);
            }
        }
        catch (Exception) when (_socket.State != WebSocketState.Open)
        {
            // The connection ended.
        }
        finally
        {
            _inbox.Writer.TryComplete();
            _closed.TrySetResult();
        }
    }

    /// <summary>
    /// A binary frame as a client reads it: a roster is kept (and returned as a synthetic <c>roster</c> message); a map
    /// becomes its JSON form by the kept roster. Anything unreadable is recorded as a violation and skipped (null).
    /// </summary>
    private JsonElement? ReadBinary(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > 0 && frame[0] == BinaryFormat.RosterTag)
        {
            if (!BinaryMessageReader.TryReadRoster(frame, out var version, out var ids, out var error)) return Violation($"bad roster: {error.Message}");
            Interlocked.Increment(ref _rosters);
            lock (_seen) _roster = (version, ids);
            return JsonSerializer.SerializeToElement(new { type = "roster", version, ids });
        }
        if (!BinaryMapReader.TryOpen(frame, out var reader, out var mapError)) return Violation($"bad binary frame: {mapError.Message}");
        (byte Version, ImmutableArray<string> Ids)? roster;
        lock (_seen) roster = _roster;
        if (roster is not { } r) return Violation($"binary map of tick {reader.Tick} before any roster");
        if (r.Version != reader.RosterVersion || r.Ids.Length != reader.Count)
        {
            return Violation($"binary map of tick {reader.Tick} follows roster {reader.RosterVersion} ({reader.Count} players), but the roster held is {r.Version} ({r.Ids.Length})");
        }
        var players = new JsonObject();
        while (reader.TryReadEntry(out var e)) players[r.Ids[e.Index]] = new JsonArray(e.X, e.Y, e.Vx, e.Vy, e.Hp, e.Ack);
        var map = new JsonObject { ["type"] = "map", ["time"] = reader.Time, ["tick"] = reader.Tick, ["player"] = players, ["binary"] = true };
        return JsonSerializer.SerializeToElement(map);
    }

    private JsonElement? Violation(string what)
    {
        lock (_seen) _violations.Add(what);
        return null;
    }

    private string Recent()
    {
        lock (_seen) return _seen.Count == 0 ? "(none)" : string.Join(" | ", _seen);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "test done", cts.Token);
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
