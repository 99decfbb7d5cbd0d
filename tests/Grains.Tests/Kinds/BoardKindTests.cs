using System.Text.Json;
using Game.Grains.Interfaces;
using Game.Grains.Kinds;
using Game.Grains.Kinds.Board;

namespace Game.Grains.Tests.Kinds;

public sealed class BoardKindTests
{
    private static readonly BoardKind Kind = new();

    private const string Line = """{"type":"draw","points":[[0,0],[1000,1000]],"color":[255,0,128],"width":3}""";

    private static (IRoomRules Rules, FakeRoomOutput Output) Room(params string[] ids)
    {
        var rules = Kind.Create(new RoomSetup(16, 9));
        var output = new FakeRoomOutput().Join(rules, ids);
        return (rules, output);
    }

    private static RoomError? Draw(IRoomRules rules, FakeRoomOutput output, string from, string json = Line)
        => rules.OnMessage(from, new KindMessage("draw", json), output);

    private static RoomError? Clear(IRoomRules rules, FakeRoomOutput output, string from)
        => rules.OnMessage(from, new KindMessage("clear", """{"type":"clear"}"""), output);

    /// <summary>A draw of a stroke whose first point's x is <paramref name="x"/> (to tell strokes apart).</summary>
    private static string Stroke(int x) => $$"""{"type":"draw","points":[[{{x}},1],[2,3]],"color":[1,2,3],"width":1}""";

    /// <summary>The ids of the strokes in <paramref name="view"/>'s <c>strokes</c>.</summary>
    private static List<long> StrokeIds(JoinedView view)
    {
        using var doc = JsonDocument.Parse("{" + view.ExtraJson + "}");
        return doc.RootElement.GetProperty("strokes").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToList();
    }

    [Fact]
    public void Kind_is_board_with_capacity_two_to_32_default_16_and_no_tick_or_world()
    {
        Assert.Equal("board", Kind.Name);
        Assert.Equal(new KindCapacity(2, 32, 16), Kind.Capacity);
        Assert.Null(Kind.TickHz);
        Assert.Null(Kind.World);
        var rules = Kind.Create(new RoomSetup(32, 1));
        Assert.Equal(32, rules.Max);
        Assert.Null(rules.Waiting);
    }

    [Fact]
    public void Draw_goes_to_everyone_including_the_drawer_with_from_and_an_id_from_one()
    {
        var (rules, output) = Room("a", "b");

        Assert.Null(Draw(rules, output, "b"));
        Assert.Null(Draw(rules, output, "a", """{"type":"draw","width":40,"color":[0,0,0],"points":[[0.5,12.25],[999.75,0],[3,4]],"extra":1}"""));

        Assert.Equal(
            [
                new Sent(Delivery.Everyone, null, new KindEvent("draw",
                    "\"from\":\"b\",\"id\":1,\"points\":[[0,0],[1000,1000]],\"color\":[255,0,128],\"width\":3")),
                new Sent(Delivery.Everyone, null, new KindEvent("draw",
                    "\"from\":\"a\",\"id\":2,\"points\":[[0.5,12.25],[999.75,0],[3,4]],\"color\":[0,0,0],\"width\":40")),
            ],
            output.Sent);
    }

    [Fact]
    public void Coordinates_and_width_keep_their_decimals_as_32_bit_floats()
    {
        var (rules, output) = Room("a");

        Assert.Null(Draw(rules, output, "a", """{"points":[[0.1,1e2],[-0,123.456]],"color":[1,2,3],"width":1.5}"""));

        Assert.Equal("\"from\":\"a\",\"id\":1,\"points\":[[0.1,100],[0,123.456]],\"color\":[1,2,3],\"width\":1.5",
            Assert.Single(output.Kinds("draw")).Members);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(256)]
    public void Two_to_256_points_are_allowed(int count)
    {
        var (rules, output) = Room("a");
        string points = string.Join(",", Enumerable.Range(0, count).Select(i => $"[{i},{1000 - i}]"));

        Assert.Null(Draw(rules, output, "a", $$"""{"points":[{{points}}],"color":[1,2,3],"width":1}"""));
    }

    [Theory]
    [InlineData("""{"points":[[1,1]],"color":[1,2,3],"width":1}""", "points")]                  // 1 point
    [InlineData("""{"points":[],"color":[1,2,3],"width":1}""", "points")]
    [InlineData("""{"points":"x","color":[1,2,3],"width":1}""", "points")]
    [InlineData("""{"points":[[1,1],[2]],"color":[1,2,3],"width":1}""", "points[1]")]
    [InlineData("""{"points":[[1,1],[2,2,2]],"color":[1,2,3],"width":1}""", "points[1]")]
    [InlineData("""{"points":[[1,1],5],"color":[1,2,3],"width":1}""", "points[1]")]
    [InlineData("""{"points":[[-1,1],[2,2]],"color":[1,2,3],"width":1}""", "points[0]")]
    [InlineData("""{"points":[[1,1],[2,1000.01]],"color":[1,2,3],"width":1}""", "points[1]")]
    [InlineData("""{"points":[[1,1],[2,1e400]],"color":[1,2,3],"width":1}""", "points[1]")]
    [InlineData("""{"points":[[1,"1"],[2,2]],"color":[1,2,3],"width":1}""", "points[0]")]
    [InlineData("""{"points":[[1,null],[2,2]],"color":[1,2,3],"width":1}""", "points[0]")]
    [InlineData("""{"color":[1,2,3],"width":1}""", "points")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[256,0,0],"width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[0,-1,0],"width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[0,0,1.5],"width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[0,0],"width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[0,0,0,0],"width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":"red","width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[0,"0",0],"width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"width":1}""", "color")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[1,2,3],"width":0.5}""", "width")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[1,2,3],"width":40.5}""", "width")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[1,2,3],"width":"3"}""", "width")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[1,2,3]}""", "width")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[1,2,3],"width":1,"width":2}""", "width")]
    [InlineData("""{"points":[[1,1],[2,2]],"points":[[1,1],[2,2]],"color":[1,2,3],"width":1}""", "points")]
    [InlineData("""{"points":[[1,1],[2,2]],"color":[1,2,3],"width":1""", "JSON")]
    [InlineData("""[]""", "object")]
    public void Bad_draws_are_bad_request_naming_the_field(string json, string field)
    {
        var (rules, output) = Room("a");

        var error = Draw(rules, output, "a", json);

        Assert.Equal(ErrorCode.BadRequest, error?.Code);
        Assert.Contains(field, error!.Message);
        Assert.Empty(output.Sent);
        Assert.Equal("\"strokes\":[]", rules.View("a").ExtraJson);
    }

    [Fact]
    public void Too_many_points_is_bad_request()
    {
        var (rules, output) = Room("a");
        string points = string.Join(",", Enumerable.Repeat("[1,1]", 257));

        Assert.Equal(ErrorCode.BadRequest, Draw(rules, output, "a", $$"""{"points":[{{points}}],"color":[1,2,3],"width":1}""")?.Code);
    }

    [Fact]
    public void A_rejected_draw_takes_no_id()
    {
        var (rules, output) = Room("a");
        Draw(rules, output, "a", """{"points":[],"color":[1,2,3],"width":1}""");

        Assert.Null(Draw(rules, output, "a"));

        Assert.Contains("\"id\":1,", Assert.Single(output.Kinds("draw")).Members);
    }

    [Fact]
    public void View_carries_the_strokes_oldest_first_as_drawn()
    {
        var (rules, output) = Room("a", "b");
        Draw(rules, output, "a");
        Draw(rules, output, "b", Stroke(7));

        var view = rules.View("b");

        Assert.Equal("\"strokes\":[" +
            "{\"from\":\"a\",\"id\":1,\"points\":[[0,0],[1000,1000]],\"color\":[255,0,128],\"width\":3}," +
            "{\"from\":\"b\",\"id\":2,\"points\":[[7,1],[2,3]],\"color\":[1,2,3],\"width\":1}]", view.ExtraJson);
        Assert.Equal(2, view.Colors.Count);
        Assert.NotEqual(view.Colors["a"], view.Colors["b"]);
    }

    [Fact]
    public void History_keeps_the_newest_2000_strokes()
    {
        var (rules, output) = Room("a");
        for (int i = 1; i <= 2005; i++) Assert.Null(Draw(rules, output, "a", Stroke(i % 1000)));

        var ids = StrokeIds(rules.View("a"));

        Assert.Equal(Enumerable.Range(6, 2000).Select(i => (long)i), ids);
        Assert.Equal(2005, output.Kinds("draw").Count);
    }

    [Fact]
    public void Only_the_host_clears_and_then_everyone_gets_clear_and_the_history_empties()
    {
        var (rules, output) = Room("host", "guest");
        Draw(rules, output, "guest");
        Draw(rules, output, "host");
        output.Sent.Clear();

        var refused = Clear(rules, output, "guest");
        Assert.Equal(ErrorCode.NotHost, refused?.Code);
        Assert.Empty(output.Sent);
        Assert.Equal([1L, 2L], StrokeIds(rules.View("guest")));

        Assert.Null(Clear(rules, output, "host"));
        Assert.Equal([new Sent(Delivery.Everyone, null, new KindEvent("clear", "\"by\":\"host\""))], output.Sent);
        Assert.Equal("\"strokes\":[]", rules.View("guest").ExtraJson);

        Draw(rules, output, "guest");
        Assert.Equal([3L], StrokeIds(rules.View("guest"))); // numbers go on after a clear
    }

    [Fact]
    public void After_a_host_hand_over_the_new_host_may_clear()
    {
        var (rules, output) = Room("host", "guest");
        rules.OnLeave("host", output);
        output.HostId = "guest";

        Assert.Null(Clear(rules, output, "guest"));
    }

    [Fact]
    public void Other_types_are_wrong_kind_and_a_player_not_seated_is_refused()
    {
        var (rules, output) = Room("a");

        Assert.Equal(ErrorCode.WrongKind, rules.OnMessage("a", new KindMessage("relay", """{"type":"relay","data":1}"""), output)?.Code);
        Assert.Equal(ErrorCode.NotInRoom, Draw(rules, output, "nobody")?.Code);
        Assert.Empty(output.Sent);
    }

    [Fact]
    public void Capture_and_restore_keep_strokes_ids_and_seats()
    {
        var (rules, output) = Room("a", "b", "c");
        for (int i = 0; i < 5; i++) Draw(rules, output, i % 2 == 0 ? "a" : "b", Stroke(i));
        Clear(rules, output, "a");
        Draw(rules, output, "c", Stroke(50));
        Draw(rules, output, "b", """{"points":[[0.1,0.2],[0.3,0.4]],"color":[9,8,7],"width":2.5}""");
        rules.OnLeave("b", output);

        var state = Assert.IsType<BoardState>(rules.Capture());
        var restored = Kind.Restore(KindStateSerialization.RoundTrip(state));

        Assert.Equal(7, state.LastStrokeId);
        Assert.Equal(2, state.Strokes.Length);
        Assert.Equal(rules.View("a"), restored.View("a"), (x, y) => x.ExtraJson == y.ExtraJson && x.Colors.SequenceEqual(y.Colors));
        Assert.Equal(16, restored.Max);
        var after = new FakeRoomOutput { HostId = "a" };
        Assert.Null(Draw(restored, after, "c"));
        Assert.Contains("\"id\":8,", after.Kinds("draw")[0].Members);
        Assert.Equal(ErrorCode.NotInRoom, Draw(restored, after, "b")?.Code);
    }

    [Fact]
    public void Restore_rejects_other_and_inconsistent_states()
    {
        var stroke = new BoardStroke(1, "a", [0, 0, 1, 1], new Rgb(1, 2, 3), 2);
        var good = new BoardState(4, 1, [new BoardSeat("a", 0)], [stroke]);
        Kind.Restore(good);

        Assert.Throws<ArgumentException>(() => Kind.Restore(new object()));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Max = 33 }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Max = 2, Seats = [new("a", 0), new("b", 1), new("c", 2)] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Seats = [new("a", 0), new("a", 1)] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { LastStrokeId = 0 }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { LastStrokeId = 2, Strokes = [stroke, stroke] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Strokes = [stroke with { Points = [0, 0, 1] }] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Strokes = [stroke with { Points = [0, 0] }] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Strokes = [stroke with { Points = [0, 0, 1001, 1] }] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Strokes = [stroke with { Width = 41 }] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Strokes = [stroke with { From = "" }] }));
        Assert.Throws<ArgumentException>(() => Kind.Restore(good with { Strokes = default }));
    }
}
