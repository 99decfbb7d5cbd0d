using System.Buffers;
using System.Text;
using System.Text.Json;
using Game.Grains.Arena;
using Game.Grains.Interfaces;

namespace Game.Grains.Kinds.Pong;

/// <summary>
/// Server-authoritative two-player pong (<c>kind: "pong"</c>, shared protocol.md v1.1): 2 seats, 30 Hz, an 800 × 500
/// court; its rules are <see cref="PongSimulation"/> (sides, serve and timing: its remarks). Each tick publishes
/// <c>point</c> / <c>match_over</c> when they happen and then the <c>map</c>.
/// </summary>
public sealed class PongKind : IRoomKind
{
    /// <summary>The kind's name.</summary>
    public const string KindName = "pong";

    /// <inheritdoc />
    public string Name => KindName;

    /// <inheritdoc />
    public KindCapacity Capacity => KindCapacity.Fixed(2);

    /// <inheritdoc />
    public int? TickHz => PongSimulation.TickHz;

    /// <inheritdoc />
    public (int Width, int Height)? World => ((int)PongSimulation.Width, (int)PongSimulation.Height);

    /// <inheritdoc />
    public IRoomRules Create(RoomSetup setup) => new PongRoom(new PongSimulation(setup.Seed));

    /// <inheritdoc />
    public IRoomRules Restore(object state)
        => state is PongState pong
            ? new PongRoom(PongSimulation.Restore(pong))
            : throw new ArgumentException($"Not a pong state: {state?.GetType().Name ?? "null"}.", nameof(state));
}

/// <summary>One pong room's rules: the room API's hooks over <see cref="PongSimulation"/>, and its messages as JSON.</summary>
internal sealed class PongRoom(PongSimulation simulation) : IRoomRules
{
    public int Max => 2;

    public RoomError? OnJoin(RoomPlayer player, IRoomOutput output)
        => simulation.TryAddPlayer(player.Id) ? null : new RoomError(ErrorCode.RoomFull, "The room is full (2 players).");

    public void OnLeave(string playerId, IRoomOutput output) => simulation.RemovePlayer(playerId);

    public void OnInput(string playerId, in InputSample input) => simulation.SetInput(playerId, input);

    public RoomError? OnMessage(string playerId, KindMessage message, IRoomOutput output)
        => new(ErrorCode.WrongKind, $"'{message.Type}' does not apply to a pong room.");

    public void OnTick(long nowMs, IRoomOutput output)
    {
        simulation.Step();
        foreach (var e in simulation.Events)
        {
            output.Publish(e.Kind == PongEventKind.Point
                ? new KindEvent("point", Members(w => { w.WriteString("by", e.PlayerId); WriteScores(w, e); }))
                : new KindEvent("match_over", Members(w => { w.WriteString("winner", e.PlayerId); WriteScores(w, e); })));
        }
        output.Publish(new KindEvent("map", Map(nowMs), IsSnapshot: true));
    }

    public JoinedView View(string playerId)
    {
        var colors = new Dictionary<string, Rgb>(StringComparer.Ordinal);
        if (simulation.Left is { } left) colors[left.Id] = ArenaColors.ForSlot(left.ColorSlot);
        if (simulation.Right is { } right) colors[right.Id] = ArenaColors.ForSlot(right.ColorSlot);
        return new JoinedView(colors);
    }

    public object Capture() => simulation.Capture();

    /// <summary>The <c>map</c>'s members: <c>time</c>, <c>tick</c>, <c>state</c>, <c>ball</c> [x, y, vx, vy] and
    /// <c>player</c> {id: [x, y, 0, vy, score, ack]}; positions and velocities rounded to 2 decimals.</summary>
    internal string Map(long nowMs) => Members(w =>
    {
        w.WriteNumber("time", nowMs);
        w.WriteNumber("tick", simulation.Tick);
        w.WriteString("state", simulation.Phase switch
        {
            PongPhase.Waiting => "waiting",
            PongPhase.Playing => "playing",
            _ => "over",
        });
        var ball = simulation.Ball;
        w.WriteStartArray("ball");
        Number(w, ball.X); Number(w, ball.Y); Number(w, ball.Vx); Number(w, ball.Vy);
        w.WriteEndArray();
        w.WriteStartObject("player");
        if (simulation.Left is { } left) WritePaddle(w, left, PongSide.Left);
        if (simulation.Right is { } right) WritePaddle(w, right, PongSide.Right);
        w.WriteEndObject();
    });

    private static void WritePaddle(Utf8JsonWriter w, PongPaddle p, PongSide side)
    {
        w.WriteStartArray(p.Id);
        Number(w, PongSimulation.XOf(side)); Number(w, p.Y); w.WriteNumberValue(0); Number(w, p.Vy);
        w.WriteNumberValue(p.Score); w.WriteNumberValue(p.Ack);
        w.WriteEndArray();
    }

    private static void WriteScores(Utf8JsonWriter w, in PongEvent e)
    {
        w.WriteStartObject("scores");
        w.WriteNumber(e.LeftId, e.LeftScore);
        w.WriteNumber(e.RightId, e.RightScore);
        w.WriteEndObject();
    }

    // As the arena's map (Protocol's JsonMessageWriter): 2 decimals, halves away from zero; + 0.0 turns -0 into 0.
    private static void Number(Utf8JsonWriter w, double value) => w.WriteNumberValue(Math.Round(value, 2, MidpointRounding.AwayFromZero) + 0.0);

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
