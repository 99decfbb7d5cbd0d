using System.Collections.Immutable;
using Game.Grains.Interfaces;
using Game.Grains.Kinds;
using Game.Grains.Kinds.Relay;

namespace Game.Grains.Tests.Kinds;

public sealed class RelayKindTests
{
    private static readonly RelayKind Kind = new();

    private static (IRoomRules Rules, FakeRoomOutput Output) Room(int max, params string[] ids)
    {
        var rules = Kind.Create(new RoomSetup(max, 42));
        var output = new FakeRoomOutput().Join(rules, ids);
        output.Sent.Clear();
        return (rules, output);
    }

    private static RoomError? Relay(IRoomRules rules, FakeRoomOutput output, string from, string json)
        => rules.OnMessage(from, new KindMessage("relay", json), output);

    private static string Members(string from, string data) => $"\"from\":\"{from}\",\"data\":{data}";

    [Fact]
    public void Kind_is_relay_with_capacity_two_to_sixteen_default_two_and_no_tick_or_world()
    {
        Assert.Equal("relay", Kind.Name);
        Assert.Equal(new KindCapacity(2, 16, 2), Kind.Capacity);
        Assert.Null(Kind.TickHz);
        Assert.Null(Kind.World);
        Assert.Equal(5, Kind.Create(new RoomSetup(5, 1)).Max);
    }

    [Fact]
    public void Relay_with_to_goes_to_that_player_only()
    {
        var (rules, output) = Room(4, "a", "b", "c");

        Assert.Null(Relay(rules, output, "a", """{"type":"relay","to":"c","data":{"x":1}}"""));

        var sent = Assert.Single(output.Sent);
        Assert.Equal(Delivery.To, sent.Delivery);
        Assert.Equal("c", sent.Player);
        Assert.Equal(new KindEvent("relay", Members("a", """{"x":1}""")), sent.Event);
    }

    [Fact]
    public void Relay_without_to_goes_to_every_other_player()
    {
        var (rules, output) = Room(4, "a", "b", "c");

        Assert.Null(Relay(rules, output, "b", """{"type":"relay","data":[1,2,3]}"""));
        Assert.Null(Relay(rules, output, "c", """{"data":"hi","to":null,"type":"relay"}""")); // null to = absent

        Assert.Equal(
            [
                new Sent(Delivery.Others, "b", new KindEvent("relay", Members("b", "[1,2,3]"))),
                new Sent(Delivery.Others, "c", new KindEvent("relay", Members("c", "\"hi\""))),
            ],
            output.Sent);
    }

    [Theory]
    [InlineData("""{"a":{"b":[1,{"c":null}],"d":"e"},"f":[]}""")]
    [InlineData("""{ "spaced" : [ 1 , 2 ] ,"x":{} }""")]
    [InlineData("""1e3""")]
    [InlineData("""-0.50E-02""")]
    [InlineData("""123456789012345678901234567890""")]
    [InlineData("""1.0""")]
    [InlineData("""true""")]
    [InlineData("""null""")]
    [InlineData("""[]""")]
    [InlineData("""{"k\u00e9y":"caf\u00e9 \"quoted\" \\ \/ \n\t\ud83d\ude00"}""")]
    [InlineData("""{"raw":"café 😀 ✓"}""")]
    [InlineData("""["\u0000","<script>&'"]""")]
    public void Data_is_relayed_byte_for_byte(string data)
    {
        var (rules, output) = Room(2, "a", "b");

        Assert.Null(Relay(rules, output, "a", $$"""{"type":"relay","data": {{data}} ,"to":"b"}"""));

        Assert.Equal(Members("a", data), Assert.Single(output.Sent).Kind.Members);
    }

    [Fact]
    public void Sender_id_is_json_escaped()
    {
        var (rules, output) = Room(2, "a\"b", "c");

        Assert.Null(Relay(rules, output, "a\"b", """{"type":"relay","data":1}"""));

        Assert.Equal("""
            "from":"a\u0022b","data":1
            """, Assert.Single(output.Sent).Kind.Members);
    }

    [Fact]
    public void To_a_player_not_in_the_room_is_unknown_player_and_sends_nothing()
    {
        var (rules, output) = Room(3, "a", "b", "c");
        rules.OnLeave("c", output);

        Assert.Equal(ErrorCode.UnknownPlayer, Relay(rules, output, "a", """{"type":"relay","to":"zz","data":1}""")?.Code);
        Assert.Equal(ErrorCode.UnknownPlayer, Relay(rules, output, "a", """{"type":"relay","to":"c","data":1}""")?.Code);
        Assert.Empty(output.Sent);
    }

    [Fact]
    public void Data_up_to_two_KiB_as_sent_is_relayed_and_larger_is_bad_request()
    {
        var (rules, output) = Room(2, "a", "b");
        string exact = "\"" + new string('x', 2046) + "\"";                 // 2,048 bytes
        string over = "\"" + new string('x', 2045) + "é\"";                 // 2,049 bytes (é is 2 bytes in UTF-8)
        string escapedOver = "\"" + new string('x', 2041) + "\\u0041\"";   // 2,049 bytes as sent, 2,044 decoded

        Assert.Null(Relay(rules, output, "a", $$"""{"type":"relay","data":{{exact}}}"""));
        var tooBig = Relay(rules, output, "a", $$"""{"type":"relay","data":{{over}}}""");
        var tooBigEscaped = Relay(rules, output, "a", $$"""{"type":"relay","data":{{escapedOver}}}""");

        Assert.Equal(ErrorCode.BadRequest, tooBig?.Code);
        Assert.Contains("2049", tooBig!.Message);
        Assert.Equal(ErrorCode.BadRequest, tooBigEscaped?.Code);
        Assert.Single(output.Sent);
    }

    [Theory]
    [InlineData("""{"type":"relay"}""")]
    [InlineData("""{"type":"relay","to":"b"}""")]
    [InlineData("""{"type":"relay","data":1,"to":7}""")]
    [InlineData("""{"type":"relay","data":1,"to":["b"]}""")]
    [InlineData("""{"type":"relay","data":1,"data":2}""")]
    [InlineData("""{"type":"relay","data":1,"to":"b","to":"b"}""")]
    [InlineData("""{"type":"relay","data":}""")]
    [InlineData("""{"type":"relay","data":[1,}""")]
    [InlineData("""[1]""")]
    public void Bad_fields_are_bad_request(string json)
    {
        var (rules, output) = Room(2, "a", "b");

        var error = Relay(rules, output, "a", json);

        Assert.Equal(ErrorCode.BadRequest, error?.Code);
        Assert.False(string.IsNullOrWhiteSpace(error!.Message));
        Assert.Empty(output.Sent);
    }

    [Theory]
    [InlineData("draw")]
    [InlineData("clear")]
    [InlineData("anything")]
    public void Other_types_are_wrong_kind(string type)
    {
        var (rules, output) = Room(2, "a", "b");

        Assert.Equal(ErrorCode.WrongKind, rules.OnMessage("a", new KindMessage(type, $$"""{"type":"{{type}}","data":1}"""), output)?.Code);
        Assert.Empty(output.Sent);
    }

    [Fact]
    public void Waiting_while_fewer_than_max_are_seated()
    {
        var rules = Kind.Create(new RoomSetup(3, 1));
        var output = new FakeRoomOutput();
        Assert.True(rules.Waiting);

        output.Join(rules, "a", "b");
        Assert.True(rules.Waiting);
        output.Join(rules, "c");
        Assert.False(rules.Waiting);
        rules.OnLeave("b", output);
        Assert.True(rules.Waiting);
        Assert.Empty(output.Sent); // joins and leaves publish nothing: the host grain sends player_joined/player_left
    }

    [Fact]
    public void A_full_room_refuses_a_join_and_a_repeated_join_changes_nothing()
    {
        var (rules, output) = Room(2, "a", "b");

        Assert.Equal(ErrorCode.RoomFull, rules.OnJoin(new RoomPlayer("c", "c", false), output)?.Code);
        Assert.Null(rules.OnJoin(new RoomPlayer("b", "b", false), output));
        Assert.Equal(["a", "b"], rules.View("a").Colors.Keys.Order());
    }

    [Fact]
    public void Colours_are_distinct_and_kept_by_each_player()
    {
        var (rules, output) = Room(4, "a", "b", "c");
        var before = rules.View("a").Colors;
        rules.OnLeave("a", output);
        output.Join(rules, "d");

        var after = rules.View("d").Colors;

        Assert.Equal(3, after.Values.Distinct().Count());
        Assert.Equal(before["b"], after["b"]);
        Assert.Equal(before["c"], after["c"]);
        Assert.Equal(before["a"], after["d"]); // the freed colour is reused
        Assert.Null(rules.View("d").ExtraJson);
    }

    [Fact]
    public void Capture_and_restore_keep_seats_colours_and_waiting()
    {
        var (rules, output) = Room(3, "a", "b");
        rules.OnLeave("a", output);
        output.Join(rules, "c");

        var state = Assert.IsType<RelayState>(rules.Capture());
        var restored = Kind.Restore(KindStateSerialization.RoundTrip(state));

        Assert.Equal(3, state.Max);
        Assert.Equal<RelaySeat>([new("b", 1), new("c", 0)], state.Seats.AsEnumerable());
        Assert.Equal(3, restored.Max);
        Assert.Equal(rules.Waiting, restored.Waiting);
        Assert.Equal(rules.View("b").Colors, restored.View("b").Colors);
        var again = new FakeRoomOutput();
        Assert.Null(restored.OnMessage("b", new KindMessage("relay", """{"type":"relay","to":"c","data":0}"""), again));
        Assert.Equal("c", Assert.Single(again.Sent).Player);
        Assert.Equal<RelaySeat>(state.Seats, Assert.IsType<RelayState>(restored.Capture()).Seats.AsEnumerable());
    }

    [Fact]
    public void Restore_rejects_other_and_inconsistent_states()
    {
        Assert.Throws<ArgumentException>(() => Kind.Restore("not a state"));
        Assert.Throws<ArgumentException>(() => Kind.Restore(new RelayState(1, [])));
        Assert.Throws<ArgumentException>(() => Kind.Restore(new RelayState(2, [new("a", 0), new("b", 1), new("c", 2)])));
        Assert.Throws<ArgumentException>(() => Kind.Restore(new RelayState(4, [new("a", 0), new("a", 1)])));
        Assert.Throws<ArgumentException>(() => Kind.Restore(new RelayState(4, [new("a", 0), new("b", 0)])));
        Assert.Throws<ArgumentException>(() => Kind.Restore(new RelayState(4, [new("", 0)])));
        Assert.Throws<ArgumentException>(() => Kind.Restore(new RelayState(4, default)));
    }
}
