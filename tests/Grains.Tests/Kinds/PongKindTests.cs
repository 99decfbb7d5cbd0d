using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Game.Grains.Kinds;
using Game.Grains.Kinds.Pong;

namespace Game.Grains.Tests.Kinds;

public sealed class PongKindTests
{
    private static readonly PongKind Kind = new();

    private static PongState Rally(PongBall ball, int leftScore = 0, int rightScore = 0) =>
        new(100, 7, PongPhase.Playing, ball, 0, 0, null,
            new PongPaddle("L", 0, 250, 0, 0, leftScore, 12), new PongPaddle("R", 1, 250, 0, 0, rightScore, 34));

    [Fact]
    public void Kind_is_pong_with_two_seats_30_Hz_and_an_800_by_500_world()
    {
        Assert.Equal("pong", Kind.Name);
        Assert.Equal(KindCapacity.Fixed(2), Kind.Capacity);
        Assert.Equal(30, Kind.TickHz);
        Assert.Equal((800, 500), Kind.World);
        Assert.Equal(2, Kind.Create(new RoomSetup(2, 1)).Max);
    }

    [Fact]
    public void Map_carries_time_tick_state_ball_and_paddles_with_score_and_ack()
    {
        var rules = Kind.Restore(Rally(new PongBall(400, 250, 300, -0.001)));
        var output = new FakeRoomOutput();

        rules.OnTick(1234, output);

        var map = Assert.Single(output.Sent);
        Assert.Equal(Delivery.Everyone, map.Delivery);
        Assert.Equal(new KindEvent("map",
            "\"time\":1234,\"tick\":101,\"state\":\"playing\",\"ball\":[410,250,300,0]," +
            "\"player\":{\"L\":[20,250,0,0,0,12],\"R\":[780,250,0,0,0,34]}", IsSnapshot: true), map.Event);
    }

    [Fact]
    public void A_point_is_published_before_the_map_and_the_match_end_after_the_point()
    {
        var rules = Kind.Restore(Rally(new PongBall(795, 250, 300, 0), leftScore: 10, rightScore: 3));
        var output = new FakeRoomOutput();

        rules.OnTick(1, output);

        Assert.Equal(["point", "match_over", "map"], output.Kinds().Select(k => k.Type));
        Assert.Equal("\"by\":\"L\",\"scores\":{\"L\":11,\"R\":3}", output.Kinds("point")[0].Members);
        Assert.Equal("\"winner\":\"L\",\"scores\":{\"L\":11,\"R\":3}", output.Kinds("match_over")[0].Members);
        Assert.Contains("\"state\":\"over\"", output.Kinds("map")[0].Members);
        Assert.All(output.Sent, s => Assert.Equal(Delivery.Everyone, s.Delivery));
        Assert.False(output.Kinds("point")[0].IsSnapshot);
    }

    [Fact]
    public void One_player_gets_a_waiting_map_and_the_second_starts_the_match()
    {
        var rules = Kind.Create(new RoomSetup(2, 5));
        var output = new FakeRoomOutput().Join(rules, "host");
        rules.OnInput("host", new InputSample(true, 3, 0, 1, false));

        rules.OnTick(10, output);
        Assert.Equal(
            "\"time\":10,\"tick\":1,\"state\":\"waiting\",\"ball\":[400,250,0,0],\"player\":{\"host\":[20,250,0,0,0,3]}",
            Assert.Single(output.Kinds()).Members);

        output.Join(rules, "guest");
        Assert.Equal(ErrorCode.RoomFull, rules.OnJoin(new RoomPlayer("third", "t", false), output)?.Code);
        output.Sent.Clear();
        rules.OnTick(43, output);
        Assert.Equal(
            "\"time\":43,\"tick\":2,\"state\":\"playing\",\"ball\":[400,250,0,0],\"player\":{\"host\":[20,260,0,300,0,3],\"guest\":[780,250,0,0,0,0]}",
            Assert.Single(output.Kinds()).Members);
        Assert.Null(rules.Waiting); // pong's waiting is the map's state, not the relay's flag
    }

    [Fact]
    public void View_gives_each_player_a_distinct_colour_and_no_extra_fields()
    {
        var rules = Kind.Create(new RoomSetup(2, 5));
        new FakeRoomOutput().Join(rules, "a", "b");

        var view = rules.View("b");

        Assert.Equal(ArenaColors.ForSlot(0), view.Colors["a"]);
        Assert.Equal(ArenaColors.ForSlot(1), view.Colors["b"]);
        Assert.Null(view.ExtraJson);
    }

    [Theory]
    [InlineData("relay")]
    [InlineData("draw")]
    public void Kind_messages_are_wrong_kind(string type)
    {
        var rules = Kind.Create(new RoomSetup(2, 5));
        var output = new FakeRoomOutput().Join(rules, "a");

        Assert.Equal(ErrorCode.WrongKind, rules.OnMessage("a", new KindMessage(type, "{}"), output)?.Code);
        Assert.Empty(output.Sent);
    }

    [Fact]
    public void Capture_and_restore_through_the_kind_continue_the_same_maps()
    {
        var rules = Kind.Create(new RoomSetup(2, 77));
        new FakeRoomOutput().Join(rules, "a", "b");
        var warmUp = new FakeRoomOutput();
        for (int i = 0; i < 200; i++)
        {
            rules.OnInput(i % 2 == 0 ? "a" : "b", new InputSample(true, i, 0, (i % 7 - 3) / 3f, false));
            rules.OnTick(i, warmUp);
        }

        var restored = Kind.Restore(KindStateSerialization.RoundTrip(rules.Capture()));
        var (a, b) = (new FakeRoomOutput(), new FakeRoomOutput());
        for (int i = 200; i < 400; i++)
        {
            var input = new InputSample(true, i, 0, (i % 5 - 2) / 2f, false);
            rules.OnInput("a", input);
            restored.OnInput("a", input);
            rules.OnTick(i, a);
            restored.OnTick(i, b);
        }

        Assert.Equal(a.Sent, b.Sent);
        Assert.Equal(Assert.IsType<PongState>(rules.Capture()), restored.Capture());
    }

    [Fact]
    public void Restore_rejects_other_states()
    {
        Assert.Throws<ArgumentException>(() => Kind.Restore("pong"));
        Assert.Throws<ArgumentException>(() => Kind.Restore(Rally(new PongBall(400, 250, 0, 0))));
    }
}
