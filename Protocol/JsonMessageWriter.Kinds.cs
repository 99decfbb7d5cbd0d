using System.Buffers;
using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>The messages of the v1.1 room kinds (shared protocol.md v1.1): board's <c>draw</c> and <c>clear</c>, pong's <c>map</c>, <c>point</c> and <c>match_over</c>.</summary>
public sealed partial class JsonMessageWriter
{
    /// <summary>
    /// Writes <c>{"type":"draw","from","id","points":[[x,y],…],"color":[r,g,b],"width"}</c>: a stroke, to everyone in
    /// the board room including its author (shared protocol.md v1.1, kind <c>board</c>). Coordinates and width are
    /// written as the shortest text that reads back as the same float. Allocates nothing.
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="stroke">The stroke.</param>
    /// <exception cref="ArgumentException"><see cref="BoardStroke.Points"/> has an odd number of floats.</exception>
    public void WriteDraw(IBufferWriter<byte> output, BoardStroke stroke)
    {
        CheckPoints(stroke);
        var json = Begin(output, WireNames.Draw);
        WriteStrokeFields(json, stroke);
        End(json);
    }

    /// <summary>Writes <c>{"type":"clear","by"}</c>: the host emptied the board (shared protocol.md v1.1, kind <c>board</c>).</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="by">The player id of the host who cleared it.</param>
    public void WriteClear(IBufferWriter<byte> output, string by)
    {
        var json = Begin(output, WireNames.Clear);
        json.WriteString(WireNames.By, by);
        End(json);
    }

    /// <summary>
    /// Writes pong's <c>map</c>:
    /// <c>{"type":"map","time","tick","state","ball":[x,y,vx,vy],"player":{id:[x,y,0,vy,score,ack]}}</c>, positions and
    /// velocities rounded to 2 decimals as in the arena's <c>map</c>; the third entry of each player is always 0 (shared
    /// protocol.md v1.1, kind <c>pong</c>). Allocates nothing.
    /// </summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="time">Server time of the tick, ms since the Unix epoch.</param>
    /// <param name="tick">Tick counter.</param>
    /// <param name="state">The match state.</param>
    /// <param name="ball">The ball.</param>
    /// <param name="players">The paddles (one or two).</param>
    public void WritePongMap(IBufferWriter<byte> output, long time, long tick, PongState state, PongBall ball, ReadOnlySpan<PongPaddle> players)
    {
        var json = Begin(output, WireNames.Map);
        json.WriteNumber(WireNames.Time, time);
        json.WriteNumber(WireNames.Tick, tick);
        json.WriteString(WireNames.State, state switch
        {
            PongState.Waiting => WireNames.StateWaiting,
            PongState.Playing => WireNames.StatePlaying,
            PongState.Over => WireNames.StateOver,
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
        });
        json.WriteStartArray(WireNames.Ball);
        WriteRounded2(json, ball.X);
        WriteRounded2(json, ball.Y);
        WriteRounded2(json, ball.Vx);
        WriteRounded2(json, ball.Vy);
        json.WriteEndArray();
        json.WriteStartObject(WireNames.Player);
        foreach (var p in players)
        {
            json.WriteStartArray(p.Id);
            WriteRounded2(json, p.X);
            WriteRounded2(json, p.Y);
            json.WriteNumberValue(0);
            WriteRounded2(json, p.Vy);
            json.WriteNumberValue(p.Score);
            json.WriteNumberValue(p.Ack);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        End(json);
    }

    /// <summary>Writes <c>{"type":"point","by","scores":{id:n}}</c>: a player scored (shared protocol.md v1.1, kind <c>pong</c>).</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="by">The player id of the scorer.</param>
    /// <param name="scores">Every player's points in the match after this one, by player id.</param>
    public void WritePoint(IBufferWriter<byte> output, string by, IEnumerable<KeyValuePair<string, int>> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var json = Begin(output, WireNames.Point);
        json.WriteString(WireNames.By, by);
        WriteScores(json, scores);
        End(json);
    }

    /// <summary>Writes <c>{"type":"match_over","winner","scores":{id:n}}</c>: a player reached 11 (shared protocol.md v1.1, kind <c>pong</c>).</summary>
    /// <param name="output">Receives the message.</param>
    /// <param name="winner">The player id of the winner.</param>
    /// <param name="scores">The final points, by player id.</param>
    public void WriteMatchOver(IBufferWriter<byte> output, string winner, IEnumerable<KeyValuePair<string, int>> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var json = Begin(output, WireNames.MatchOver);
        json.WriteString(WireNames.Winner, winner);
        WriteScores(json, scores);
        End(json);
    }

    private static void WriteScores(Utf8JsonWriter json, IEnumerable<KeyValuePair<string, int>> scores)
    {
        json.WriteStartObject(WireNames.Scores);
        foreach (var (id, score) in scores) json.WriteNumber(id, score);
        json.WriteEndObject();
    }

    /// <summary>The members of a stroke, shared by <c>draw</c> and the entries of <c>joined.strokes</c>.</summary>
    /// <remarks>Callers check the points first (<see cref="CheckPoints"/>), so that a bad stroke writes nothing.</remarks>
    private static void WriteStrokeFields(Utf8JsonWriter json, BoardStroke stroke)
    {
        json.WriteString(WireNames.From, stroke.From);
        json.WriteNumber(WireNames.Id, stroke.Id);
        json.WriteStartArray(WireNames.Points);
        var points = stroke.Points.Span;
        for (var i = 0; i + 1 < points.Length; i += 2)
        {
            json.WriteStartArray();
            json.WriteNumberValue(points[i]);
            json.WriteNumberValue(points[i + 1]);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        WriteColor(json, stroke.Color);
        json.WriteNumber(WireNames.Width, stroke.Width);
    }

    /// <summary>Throws unless the stroke's points are an even count of floats (interleaved x, y).</summary>
    private static void CheckPoints(BoardStroke stroke)
    {
        if (stroke.Points.Length % 2 != 0) throw new ArgumentException("A stroke's points are interleaved x, y: an even count of floats.", nameof(stroke));
    }
}
