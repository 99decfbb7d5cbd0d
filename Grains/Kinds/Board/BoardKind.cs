using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Game.Grains.Arena;
using Game.Grains.Interfaces;

namespace Game.Grains.Kinds.Board;

/// <summary>
/// A shared whiteboard (<c>kind: "board"</c>, shared protocol.md v1.1): <c>max</c> 2–32 (default 16), no tick.
/// <c>draw</c> adds a stroke, numbered from 1 in the room, sent to everyone including the drawer; <c>joined</c> carries
/// the strokes on the board (<c>strokes</c>, oldest first, the newest <see cref="MaxStrokes"/>); the host's
/// <c>clear</c> empties it. Stroke numbers go on after a clear.
/// </summary>
public sealed class BoardKind : IRoomKind
{
    /// <summary>The kind's name.</summary>
    public const string KindName = "board";

    /// <summary>The most strokes kept on the board: the oldest go first.</summary>
    public const int MaxStrokes = 2000;

    /// <summary>The fewest points in a stroke.</summary>
    public const int MinPoints = 2;

    /// <summary>The most points in a stroke.</summary>
    public const int MaxPoints = 256;

    /// <summary>The largest coordinate (the smallest is 0).</summary>
    public const float MaxCoordinate = 1000;

    /// <summary>The thinnest stroke.</summary>
    public const float MinWidth = 1;

    /// <summary>The widest stroke.</summary>
    public const float MaxWidth = 40;

    /// <inheritdoc />
    public string Name => KindName;

    /// <inheritdoc />
    public KindCapacity Capacity => new(2, 32, 16);

    /// <inheritdoc />
    public int? TickHz => null;

    /// <inheritdoc />
    public (int Width, int Height)? World => null;

    /// <inheritdoc />
    public IRoomRules Create(RoomSetup setup) => new BoardRoom(setup.Max, 0, [], []);

    /// <inheritdoc />
    public IRoomRules Restore(object state)
    {
        if (state is not BoardState board) throw new ArgumentException($"Not a board state: {state?.GetType().Name ?? "null"}.", nameof(state));
        Require(Capacity.Allows(board.Max), $"Max {board.Max} is outside {Capacity.Min}–{Capacity.Max}.");
        Require(!board.Seats.IsDefault && board.Seats.Length <= board.Max, "More seats than max.");
        Require(board.Seats.All(s => !string.IsNullOrEmpty(s.Id) && s.ColorSlot >= 0)
            && board.Seats.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count() == board.Seats.Length
            && board.Seats.Select(s => s.ColorSlot).Distinct().Count() == board.Seats.Length, "Seats empty or duplicated.");
        Require(!board.Strokes.IsDefault && board.Strokes.Length <= MaxStrokes, $"More than {MaxStrokes} strokes.");
        long previous = 0;
        foreach (var s in board.Strokes)
        {
            Require(s is not null && s.Id > previous && s.Id <= board.LastStrokeId, "Stroke ids are not increasing up to LastStrokeId.");
            Require(!string.IsNullOrEmpty(s!.From) && IsValid(s.Points, s.Width), $"Stroke {s.Id} is out of range.");
            previous = s.Id;
        }
        return new BoardRoom(board.Max, board.LastStrokeId, board.Seats, board.Strokes);
    }

    /// <summary>Whether a stroke's points (flattened x, y pairs) and width are within the protocol's ranges.</summary>
    internal static bool IsValid(ImmutableArray<float> points, float width)
        => !points.IsDefault && points.Length % 2 == 0 && points.Length >= 2 * MinPoints && points.Length <= 2 * MaxPoints
            && points.All(v => v >= 0 && v <= MaxCoordinate) && width >= MinWidth && width <= MaxWidth;

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message, "state");
    }
}

/// <summary>One board room's rules: seats (for colours), the strokes on the board, <c>draw</c> and <c>clear</c>.</summary>
internal sealed class BoardRoom : IRoomRules
{
    private readonly int _max;
    private long _lastStrokeId;
    private ImmutableArray<BoardSeat> _seats;
    private readonly Queue<BoardStroke> _strokes;

    public BoardRoom(int max, long lastStrokeId, ImmutableArray<BoardSeat> seats, IEnumerable<BoardStroke> strokes)
        => (_max, _lastStrokeId, _seats, _strokes) = (max, lastStrokeId, seats, new Queue<BoardStroke>(strokes));

    public int Max => _max;

    public RoomError? OnJoin(RoomPlayer player, IRoomOutput output)
    {
        if (IsSeated(player.Id)) return null;
        if (_seats.Length >= _max) return new RoomError(ErrorCode.RoomFull, $"The room is full ({_max} players).");
        int slot = 0;
        while (_seats.Any(s => s.ColorSlot == slot)) slot++;
        _seats = _seats.Add(new BoardSeat(player.Id, slot));
        return null;
    }

    public void OnLeave(string playerId, IRoomOutput output) => _seats = _seats.RemoveAll(s => s.Id == playerId);

    public void OnInput(string playerId, in InputSample input) { } // a board has no inputs

    public RoomError? OnMessage(string playerId, KindMessage message, IRoomOutput output)
    {
        if (message.Type is not ("draw" or "clear")) return new RoomError(ErrorCode.WrongKind, $"'{message.Type}' does not apply to a board room.");
        if (!IsSeated(playerId)) return new RoomError(ErrorCode.NotInRoom, "You are not seated in this room.");
        if (message.Type == "clear")
        {
            if (output.HostId != playerId) return new RoomError(ErrorCode.NotHost, "Only the room's host may clear the board.");
            _strokes.Clear();
            output.Publish(new KindEvent("clear", Members(w => w.WriteString("by", playerId))));
            return null;
        }

        var error = ParseDraw(message.Json, out var points, out var color, out float width);
        if (error is not null) return new RoomError(ErrorCode.BadRequest, error);
        var stroke = new BoardStroke(++_lastStrokeId, playerId, points, color, width);
        if (_strokes.Count == BoardKind.MaxStrokes) _strokes.Dequeue();
        _strokes.Enqueue(stroke);
        output.Publish(new KindEvent("draw", Members(w => WriteStroke(w, stroke))));
        return null;
    }

    public void OnTick(long nowMs, IRoomOutput output) { } // no tick

    public JoinedView View(string playerId)
    {
        var colors = _seats.ToDictionary(s => s.Id, s => ArenaColors.ForSlot(s.ColorSlot), StringComparer.Ordinal);
        return new JoinedView(colors, Members(w =>
        {
            w.WriteStartArray("strokes");
            foreach (var stroke in _strokes)
            {
                w.WriteStartObject();
                WriteStroke(w, stroke);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));
    }

    public object Capture() => new BoardState(_max, _lastStrokeId, _seats, [.. _strokes]);

    private bool IsSeated(string playerId) => _seats.Any(s => s.Id == playerId);

    /// <summary>Reads and checks <c>draw</c>'s <c>points</c>, <c>color</c> and <c>width</c>; returns the problem, or null when all are fine.</summary>
    private static string? ParseDraw(string json, out ImmutableArray<float> points, out Rgb color, out float width)
    {
        (points, color, width) = (default, default, 0);
        bool hasColor = false, hasWidth = false;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return "A message is a JSON object.";
            foreach (var member in doc.RootElement.EnumerateObject())
            {
                var value = member.Value;
                if (member.NameEquals("points"))
                {
                    if (!points.IsDefault) return "'points' is given twice.";
                    int count = value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : -1;
                    if (count < BoardKind.MinPoints || count > BoardKind.MaxPoints)
                        return $"'points' must be an array of {BoardKind.MinPoints}–{BoardKind.MaxPoints} [x, y] pairs.";
                    var flat = ImmutableArray.CreateBuilder<float>(2 * count);
                    int index = 0;
                    foreach (var point in value.EnumerateArray())
                    {
                        if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2) return $"points[{index}] must be an [x, y] pair.";
                        foreach (var coordinate in point.EnumerateArray())
                        {
                            if (coordinate.ValueKind != JsonValueKind.Number || !coordinate.TryGetDouble(out double v) || !(v >= 0 && v <= BoardKind.MaxCoordinate))
                                return $"points[{index}] must be two numbers in 0–{BoardKind.MaxCoordinate}.";
                            flat.Add((float)v + 0f); // + 0f: -0 is 0
                        }
                        index++;
                    }
                    points = flat.MoveToImmutable();
                }
                else if (member.NameEquals("color"))
                {
                    if (hasColor) return "'color' is given twice.";
                    hasColor = true;
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3) return "'color' must be [r, g, b].";
                    if (!Channel(value[0], out byte r) || !Channel(value[1], out byte g) || !Channel(value[2], out byte b))
                        return "'color' must be [r, g, b], each an integer in 0–255.";
                    color = new Rgb(r, g, b);
                }
                else if (member.NameEquals("width"))
                {
                    if (hasWidth) return "'width' is given twice.";
                    hasWidth = true;
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double w) || !(w >= BoardKind.MinWidth && w <= BoardKind.MaxWidth))
                        return $"'width' must be a number in {BoardKind.MinWidth}–{BoardKind.MaxWidth}.";
                    width = (float)w;
                }
            }
        }
        catch (JsonException)
        {
            return "The message is not valid JSON.";
        }

        return points.IsDefault ? "'draw' needs 'points'." : !hasColor ? "'draw' needs 'color'." : !hasWidth ? "'draw' needs 'width'." : null;
    }

    private static bool Channel(JsonElement value, out byte channel)
    {
        channel = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int c) || c is < 0 or > 255) return false;
        channel = (byte)c;
        return true;
    }

    /// <summary>A stroke's members: <c>from</c>, <c>id</c>, <c>points</c> [[x, y], …], <c>color</c> [r, g, b], <c>width</c>.</summary>
    private static void WriteStroke(Utf8JsonWriter w, BoardStroke stroke)
    {
        w.WriteString("from", stroke.From);
        w.WriteNumber("id", stroke.Id);
        w.WriteStartArray("points");
        for (int i = 0; i < stroke.Points.Length; i += 2)
        {
            w.WriteStartArray();
            w.WriteNumberValue(stroke.Points[i]);
            w.WriteNumberValue(stroke.Points[i + 1]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteStartArray("color");
        w.WriteNumberValue(stroke.Color.R);
        w.WriteNumberValue(stroke.Color.G);
        w.WriteNumberValue(stroke.Color.B);
        w.WriteEndArray();
        w.WriteNumber("width", stroke.Width);
    }

    /// <summary>JSON object members without the braces (a <see cref="KindEvent.Members"/>), written by <paramref name="write"/>.</summary>
    private static string Members(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan[1..^1]);
    }
}
