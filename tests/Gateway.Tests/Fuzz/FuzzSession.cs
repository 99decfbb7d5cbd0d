using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Game.Protocol;

namespace Game.Gateway.Tests.Fuzz;

/// <summary>
/// A welcomed player that sends one fuzz frame per case and judges every frame the server sends back (docs/protocol.md):
/// an <c>error</c> with a documented code or a documented message type, the socket open afterwards except after
/// <c>too_large</c> (close 1009), never 1011. After a close it resumes its session (hello with its token) on a new socket;
/// with <see cref="StayIn"/> set it also takes its seat in that room again whenever a case moved it out.
/// </summary>
internal sealed class FuzzSession : IAsyncDisposable
{
    public const int MaxFrameBytes = 4096;
    private static readonly TimeSpan ReplyDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Server → client types of protocol.md §4.</summary>
    public static readonly HashSet<string> KnownTypes =
    [
        "welcome", "time", "rooms", "joined", "map", "player_joined", "player_left", "player_away", "player_attacked", "player_killed",
        "host_changed", "chat", "announcement", "relay", "draw", "clear", "point", "match_over", "error",
    ];

    /// <summary>Error codes of protocol.md §5.</summary>
    public static readonly HashSet<string> KnownCodes =
    [
        "bad_request", "unknown_type", "not_in_room", "room_full", "wrong_password", "rate_limited", "too_large",
        "unavailable", "unknown_player", "not_host", "wrong_kind",
    ];

    private readonly Uri _server;
    private readonly string _name;
    private FuzzSocket _socket = null!;
    private long _probe;
    private FuzzFrame? _previous;
    private readonly Queue<FuzzFrame> _history = new();
    private readonly Queue<string> _seats = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Seat changes and reconnects, newest last (for failure messages).</summary>
    private void Note(string what)
    {
        _seats.Enqueue($"{_clock.ElapsedMilliseconds} ms case {Cases}: {what}");
        if (_seats.Count > 12) _seats.Dequeue();
    }

    private FuzzSession(Uri server, string name, string? stayIn, bool binary)
    {
        _server = server;
        _name = name;
        StayIn = stayIn;
        Binary = binary;
    }

    /// <summary>Whether the session asked for the binary encoding (docs/protocol-binary.md): maps and rosters come as binary frames.</summary>
    public bool Binary { get; }

    public string? StayIn { get; }
    public string? Id { get; private set; }
    public string? Token { get; private set; }

    /// <summary>The room this player is seated in, as its messages tell (null when none).</summary>
    public string? Room { get; private set; }

    /// <summary>Cases run, sockets opened, and closes seen by reason.</summary>
    public int Cases { get; private set; }
    public int Reconnects { get; private set; }
    public int TooLargeCloses { get; private set; }
    public int InvalidUtf8Closes { get; private set; }

    /// <summary>How often each reply was seen (type, or <c>error:code</c>): what the fuzzing reached.</summary>
    public SortedDictionary<string, int> Replies { get; } = new(StringComparer.Ordinal);

    public static async Task<FuzzSession> StartAsync(Uri server, string name, string? stayIn = null, bool binary = false)
    {
        var session = new FuzzSession(server, name, stayIn, binary);
        await session.OpenAsync("start");
        return session;
    }

    /// <summary>Sends <paramref name="frame"/> and judges what comes back; throws saying what broke the protocol.</summary>
    public async Task RunCaseAsync(FuzzFrame frame)
    {
        Cases++;
        var context = $"case {Cases}: {frame}";
        Judge(_socket.Drain(), context);
        if (!await _socket.SendAsync(frame.Bytes, frame.Type))
        {
            throw new InvalidOperationException($"{context}: the socket was already closed before sending ({_socket.State}, {(int?)_socket.CloseStatus} '{_socket.CloseDescription}'); the case before: {_previous}");
        }
        _previous = frame;
        _history.Enqueue(frame);
        if (_history.Count > 8) _history.Dequeue();

        var invalidText = frame.Type == WebSocketMessageType.Text && !IsValidUtf8(frame.Bytes);
        if (frame.Bytes.Length > MaxFrameBytes)
        {
            var (frames, _, closed, _) = await _socket.ReadUntilAsync(_ => false, ReplyDeadline);
            Judge(frames, context);
            Check(closed, $"{context}: a {frame.Bytes.Length}-byte frame should be answered too_large and closed with 1009; the socket was still {_socket.State} after {ReplyDeadline.TotalSeconds} s. Got: {Show(frames)}");
            if (!(invalidText && IsInvalidUtf8Drop()))
            {
                Check(frames.Any(f => IsError(f, "too_large")), $"{context}: expected error too_large before the close; got: {Show(frames)}");
                Check(_socket.CloseStatus == WebSocketCloseStatus.MessageTooBig,
                    $"{context}: expected close 1009 after too_large, got {(int?)_socket.CloseStatus} '{_socket.CloseDescription}' ({_socket.State})");
                TooLargeCloses++;
            }
            await ReopenAsync(context);
            return;
        }

        if (!await ProbeAsync(context))
        {
            // Only a text frame that is not valid UTF-8 may end the connection below the size limit (see IsInvalidUtf8Drop).
            Check(invalidText && IsInvalidUtf8Drop(),
                $"{context}: the server ended the connection ({_socket.State}, close {(int?)_socket.CloseStatus} '{_socket.CloseDescription}') after a {frame.Bytes.Length}-byte frame; only too_large may close it");
            await ReopenAsync(context);
        }
        if (StayIn is { } room && Room != room) await RejoinAsync(room, context);
    }

    /// <summary>
    /// A <c>time</c> probe after the case: replies come in order, so once its echo is back everything the case caused
    /// has been answered. False if the connection ended instead.
    /// </summary>
    private async Task<bool> ProbeAsync(string context)
    {
        var t = 9_000_000_000_000 + ++_probe + 0.5;
        var probeText = $"{{\"type\":\"time\",\"t\":{t.ToString("R", CultureInfo.InvariantCulture)}}}";
        if (!await _socket.SendTextAsync(probeText))
        {
            var (late, _, _, _) = await _socket.ReadUntilAsync(_ => false, TimeSpan.FromSeconds(5));
            Judge(late, context);
            Check(_socket.Closed, $"{context}: could not send the time probe, but the socket did not close within 5 s ({_socket.State})");
            return false;
        }
        var (frames, matched, closed, _) = await _socket.ReadUntilAsync(f => IsProbeEcho(f, t), ReplyDeadline);
        Judge(frames, context);
        if (closed) return false;
        Check(matched, $"{context}: the time probe {t} was not answered within {ReplyDeadline.TotalSeconds} s (socket {_socket.State}); got: {Show(frames)}");
        return true;
    }

    /// <summary>
    /// KNOWN DEVIATION (reported, not fixed here): a text frame that is not valid UTF-8 is refused by the WebSocket
    /// layer (RFC 6455 §8.1 says to fail the connection), and the gateway then treats the connection as lost and aborts
    /// it: the client sees no close frame at all (state Aborted, no close status — 1006 to a browser), no <c>error</c>,
    /// and the player goes into its 30 s resume grace. protocol.md promises <c>bad_request</c> for a frame that is not one
    /// JSON object and lists no close for this. Accepted here only for invalid-UTF-8 text frames, with or without a 1007
    /// close frame; counted in <see cref="InvalidUtf8Closes"/>.
    /// </summary>
    private bool IsInvalidUtf8Drop()
    {
        var dropped = _socket.CloseStatus is null or WebSocketCloseStatus.InvalidPayloadData;
        if (dropped) InvalidUtf8Closes++;
        return dropped;
    }

    private async Task RejoinAsync(string room, string context)
    {
        await _socket.SendTextAsync($"{{\"type\":\"join\",\"room\":\"{room}\"}}");
        var (frames, matched, _, _) = await _socket.ReadUntilAsync(f => IsType(f, "joined") || IsType(f, "error"), ReplyDeadline);
        Judge(frames, context);
        Check(matched && Room == room, $"{context}: taking the seat in {room} again failed; got: {Show(frames)}");
    }

    private async Task ReopenAsync(string context)
    {
        Note($"reconnect after {(int?)_socket.CloseStatus} ({_socket.State})");
        await _socket.DisposeAsync();
        Reconnects++;
        Room = null;
        await OpenAsync(context);
    }

    /// <summary>A new socket and hello (with the session's token once there is one, so the seat is resumed).</summary>
    private async Task OpenAsync(string context)
    {
        _socket = await FuzzSocket.ConnectAsync(_server);
        var encoding = Binary ? "binary" : "json";
        var hello = Token is null
            ? JsonSerializer.Serialize(new { type = "hello", name = _name, encoding })
            : JsonSerializer.Serialize(new { type = "hello", name = _name, token = Token, encoding });
        await _socket.SendTextAsync(hello);
        var (frames, matched, _, _) = await _socket.ReadUntilAsync(f => IsType(f, "welcome"), ReplyDeadline);
        Judge(frames, context);
        Check(matched, $"{context}: hello on a new socket got no welcome within {ReplyDeadline.TotalSeconds} s ({_socket.State} {(int?)_socket.CloseStatus}); got: {Show(frames)}");
        using (var welcome = JsonDocument.Parse(frames[^1].Bytes))
        {
            Id = welcome.RootElement.GetProperty("id").GetString();
            Token = welcome.RootElement.GetProperty("token").GetString();
        }
        // A resumed seat sends joined right after the welcome; the probe collects it.
        Check(await ProbeAsync(context), $"{context}: the new socket closed right after hello ({(int?)_socket.CloseStatus})");
        if (StayIn is { } room && Room != room) await RejoinAsync(room, context);
    }

    /// <summary>The oracle: every frame from the server is a documented message or an error with a documented code.</summary>
    private void Judge(List<Received> frames, string context)
    {
        foreach (var frame in frames)
        {
            if (frame.Type == WebSocketMessageType.Binary)
            {
                Check(Binary, $"{context}: a binary frame on a JSON connection: {frame}");
                var key = JudgeBinary(frame, context);
                Replies[key] = Replies.GetValueOrDefault(key) + 1;
                continue;
            }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(frame.Bytes);
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"{context}: the server sent a frame that is not JSON ({ex.Message}): {frame}");
            }
            using (doc)
            {
                var root = doc.RootElement;
                Check(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String,
                    $"{context}: a server message without a string type: {frame}");
                var type = root.GetProperty("type").GetString()!;
                Check(KnownTypes.Contains(type), $"{context}: an undocumented message type '{type}': {frame}");
                var key = type;
                if (type == "error")
                {
                    var ok = root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && KnownCodes.Contains(code.GetString()!)
                             && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String && message.GetString()!.Length > 0;
                    Check(ok, $"{context}: an error without a documented code and a message: {frame}");
                    key = $"error:{root.GetProperty("code").GetString()}";
                }
                else if (type == "joined")
                {
                    Room = root.GetProperty("room").GetString();
                    Note($"joined {Room}");
                }
                else if (type == "player_left" && root.TryGetProperty("id", out var left) && left.ValueKind == JsonValueKind.String && left.GetString() == Id)
                {
                    Note($"player_left for itself (was in {Room ?? "no room"}): {frame}");
                    Room = null;
                }
                Replies[key] = Replies.GetValueOrDefault(key) + 1;
            }
        }
    }

    /// <summary>A binary frame from the server: a well-formed roster (0x02) or map (0x01), nothing else.</summary>
    private static string JudgeBinary(Received frame, string context)
    {
        var bytes = frame.Bytes;
        Check(bytes.Length > 0 && bytes[0] is BinaryFormat.RosterTag or BinaryFormat.MapTag, $"{context}: a binary frame that is neither a map nor a roster: {Convert.ToHexString(bytes)}");
        if (bytes[0] == BinaryFormat.RosterTag)
        {
            Check(BinaryMessageReader.TryReadRoster(bytes, out _, out _, out var rosterError), $"{context}: a malformed roster ({rosterError.Message}): {Convert.ToHexString(bytes)}");
            return "binary roster";
        }
        Check(BinaryMapReader.TryOpen(bytes, out var reader, out var mapError), $"{context}: a malformed binary map ({mapError.Message}): {Convert.ToHexString(bytes)}");
        while (reader.TryReadEntry(out _)) { }
        return "binary map";
    }

    private static bool IsProbeEcho(Received frame, double t)
    {
        if (frame.Type != WebSocketMessageType.Text) return false;
        try
        {
            using var doc = JsonDocument.Parse(frame.Bytes);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "time"
                   && root.TryGetProperty("t", out var echo) && echo.ValueKind == JsonValueKind.Number && echo.GetDouble() == t;
        }
        catch (JsonException)
        {
            return false; // judged by the oracle
        }
    }

    private static bool IsType(Received frame, string type) => Field(frame, "type") == type;

    private static bool IsError(Received frame, string code) => IsType(frame, "error") && Field(frame, "code") == code;

    /// <summary>A top-level string field of a JSON text frame; null for anything else (the oracle judges those).</summary>
    private static string? Field(Received frame, string name)
    {
        if (frame.Type != WebSocketMessageType.Text) return null;
        try
        {
            using var doc = JsonDocument.Parse(frame.Bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var value)
                   && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsValidUtf8(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private static string Show(List<Received> frames)
        => frames.Count == 0 ? "(nothing)" : string.Join(" | ", frames.TakeLast(8).Select(f => f.ToString().Length > 300 ? f.ToString()[..300] + "…" : f.ToString()));

    private static void Check(bool condition, string failure)
    {
        if (!condition) throw new InvalidOperationException(failure);
    }

    /// <summary>
    /// Reads (and judges) what the server sends until a reply of <paramref name="key"/> (a type, <c>error:code</c>,
    /// <c>binary map</c> or <c>binary roster</c>) has been seen <paramref name="count"/> times in all; fails after <paramref name="within"/>.
    /// With <see cref="StayIn"/>, a seat lost meanwhile is taken again (see <see cref="SeatsLostAfterRejoin"/>).
    /// </summary>
    public async Task WaitForReplyAsync(string key, int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (Replies.GetValueOrDefault(key) < count)
        {
            var left = deadline - DateTime.UtcNow;
            Check(left > TimeSpan.Zero, $"after the fuzzing: expected {count} '{key}' replies within {within.TotalSeconds} s, seen {Replies.GetValueOrDefault(key)} (socket {_socket.State}, seated in {Room ?? "no room"}). {Summary()}. Seats: {string.Join(" | ", _seats)}. The last cases: {string.Join(" || ", _history)}");
            var (frames, _, closed, _) = await _socket.ReadUntilAsync(_ => true, left);
            Judge(frames, "after the fuzzing");
            Check(!closed, $"after the fuzzing: the socket closed ({(int?)_socket.CloseStatus} '{_socket.CloseDescription}') while waiting for '{key}'");
            if (StayIn is { } room && Room != room)
            {
                SeatsLostAfterRejoin++;
                await RejoinAsync(room, "after the fuzzing");
            }
        }
    }

    /// <summary>
    /// KNOWN SERVER BUG (reported, not fixed here): <c>player_left</c> with the player's own id arriving after it had
    /// already taken its seat in the same room again (it left the room — by <c>leave</c> or a <c>join</c> elsewhere —
    /// and joined it back at once). The gateway (PlayerConnection.DeliverRoomItem) takes that late event of the earlier
    /// leave for the loss of the new seat: it drops the seat and the room's feed, so the player stays seated in the room
    /// (others see it in every <c>map</c>) but gets no more maps or room events, and its room messages get
    /// <c>not_in_room</c>. Counted here; the fuzzing player then joins again (which heals it).
    /// </summary>
    public int SeatsLostAfterRejoin { get; private set; }

    /// <summary>What the fuzzing reached, for the test output.</summary>
    public string Summary()
        => $"{Cases} cases, {Reconnects} reconnects ({TooLargeCloses} after too_large, {InvalidUtf8Closes} after invalid UTF-8 text), {SeatsLostAfterRejoin} seats lost to a late player_left after the fuzzing; replies: "
           + string.Join(", ", Replies.Select(r => $"{r.Key}×{r.Value}"));

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
