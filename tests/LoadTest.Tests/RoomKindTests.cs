using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Game.LoadTest.Cli;

namespace Game.LoadTest.Tests;

/// <summary>--kind arena|pong|relay|board: command line, options, the summary's <c>kind</c>, the SLO, and the kinds' messages.</summary>
public sealed class RoomKindTests
{
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    private static (CliSettings? Settings, IReadOnlyList<string> Errors) Build(string kind, int players, string encoding = "json") =>
        LoadTestCommand.BuildSettings(["ws://127.0.0.1:5000/ws"], 2, players, 10, 1, 200, false, 10, 2, null, encoding, null, 20, true, kind: kind);

    private static ServerMessage Decode(string json, string playerId = "p2")
    {
        var state = new BotCodecState();
        return JsonBotCodec.Instance.Decode(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, Encoding.UTF8.GetBytes(playerId), ref state);
    }

    [Theory]
    [InlineData("arena", RoomKind.Arena)]
    [InlineData("pong", RoomKind.Pong)]
    [InlineData("relay", RoomKind.Relay)]
    [InlineData("board", RoomKind.Board)]
    public void Cli_kind_reaches_the_run_options(string name, RoomKind kind)
    {
        var (settings, errors) = Build(name, 2);

        Assert.Empty(errors);
        Assert.Equal(kind, settings!.Run.Kind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void Cli_rejects_pong_with_other_than_two_players(int players)
    {
        var (settings, errors) = Build("pong", players);

        Assert.Null(settings);
        var error = Assert.Single(errors);
        Assert.Contains("--players must be 2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pong")]
    [InlineData("relay")]
    [InlineData("board")]
    public void Cli_rejects_the_binary_encoding_for_other_kinds_than_arena(string kind)
    {
        var (settings, errors) = Build(kind, 2, "binary");

        Assert.Null(settings);
        Assert.Contains(errors, e => e.Contains("--encoding binary is for --kind arena only", StringComparison.Ordinal));
        Assert.Empty(Build("arena", 8, "binary").Errors);
    }

    [Fact]
    public void Pong_defaults_to_two_players_and_others_to_eight()
    {
        Assert.Equal(2, LoadTestCommand.DefaultPlayers("pong"));
        Assert.Equal(8, LoadTestCommand.DefaultPlayers("arena"));
        Assert.Equal(8, LoadTestCommand.DefaultPlayers("relay"));
    }

    [Theory]
    [InlineData("--kind", "chess")]
    [InlineData("--kind", "pong", "--players", "4")]
    [InlineData("--kind", "board", "--encoding", "binary")]
    public async Task Cli_exits_with_a_usage_error_on_a_bad_kind(params string[] args)
    {
        var exit = await LoadTestCommand.InvokeAsync([.. args, "--plain", "--no-cluster"]).WaitAsync(RunDeadline);

        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Fact]
    public void Options_validate_the_kind_like_the_cli()
    {
        var url = new Uri("ws://127.0.0.1:5000/ws");
        Assert.Contains(new LoadRunOptions { Urls = [url], Kind = RoomKind.Pong, PlayersPerRoom = 8 }.Validate(), e => e.Contains("exactly 2 players", StringComparison.Ordinal));
        Assert.Empty(new LoadRunOptions { Urls = [url], Kind = RoomKind.Pong, PlayersPerRoom = 2 }.Validate());
        Assert.Contains(new LoadRunOptions { Urls = [url], Kind = RoomKind.Relay, Encoding = BotEncoding.Binary }.Validate(), e => e.Contains("arena rooms only", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RoomKind.Arena, 8, null)]
    [InlineData(RoomKind.Pong, 2, null)]
    [InlineData(RoomKind.Relay, 1, 2)]
    [InlineData(RoomKind.Relay, 8, 8)]
    [InlineData(RoomKind.Relay, 40, 16)]
    [InlineData(RoomKind.Board, 20, 20)]
    [InlineData(RoomKind.Board, 40, 32)]
    public void Join_max_is_the_players_capped_to_the_kinds_range(RoomKind kind, int players, int? max)
    {
        Assert.Equal(max, kind.JoinMax(players));
    }

    [Theory]
    [InlineData(RoomKind.Arena, 50, 50)]
    [InlineData(RoomKind.Pong, 20, 20)]
    [InlineData(RoomKind.Board, 20, 20)]
    [InlineData(RoomKind.Board, 50, 30)]
    [InlineData(RoomKind.Relay, 100, 60)]
    public void Board_sends_at_most_thirty_strokes_and_relay_sixty_relays_a_second(RoomKind kind, int asked, int sent)
    {
        Assert.Equal(sent, new LoadRunOptions { Kind = kind, InputRateHz = asked }.SendRateHz);
    }

    [Theory]
    [InlineData(RoomKind.Arena, "arena")]
    [InlineData(RoomKind.Pong, "pong")]
    [InlineData(RoomKind.Relay, "relay")]
    [InlineData(RoomKind.Board, "board")]
    public void Summary_json_carries_the_kind(RoomKind kind, string name)
    {
        var summary = new LoadSummary
        {
            Ccu = 4, Rooms = 2, P50Ms = 1, P90Ms = 2, P99Ms = 3, MaxMs = 4, SnapshotsPerBotPerSecond = 0, JoinP99Ms = 1,
            Errors = 0, Disconnects = 0, DurationSeconds = 10, Kind = kind,
        };

        using var doc = JsonDocument.Parse(summary.ToJson());
        Assert.Equal(name, doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal("json", doc.RootElement.GetProperty("encoding").GetString());
    }

    [Fact]
    public void Slo_snapshot_criterion_follows_the_kinds_tick_and_is_skipped_without_one()
    {
        var held = new LoadSummary
        {
            Ccu = 4, TargetCcu = 4, Rooms = 2, P50Ms = 1, P90Ms = 2, P99Ms = 3, MaxMs = 4, SnapshotsPerBotPerSecond = 0, JoinP99Ms = 1,
            Errors = 0, Disconnects = 0, DurationSeconds = 10, LatencySamples = 100, InputRateHz = 20, InputsPerBotPerSecond = 20,
            SnapshotsMinBotPerSecond = 0,
        };
        var slo = SloCriteria.Default;

        Assert.True(slo.IsMetBy(held with { Kind = RoomKind.Relay }));
        Assert.True(slo.IsMetBy(held with { Kind = RoomKind.Board }));
        Assert.False(slo.IsMetBy(held with { Kind = RoomKind.Arena }));
        Assert.True(slo.IsMetBy(held with { Kind = RoomKind.Arena, SnapshotsMinBotPerSecond = 19.5 }));
        Assert.False(slo.IsMetBy(held with { Kind = RoomKind.Pong, SnapshotsMinBotPerSecond = 19.5 }));
        Assert.True(slo.IsMetBy(held with { Kind = RoomKind.Pong, SnapshotsMinBotPerSecond = 29 }));
        Assert.Equal(28.5, slo.MinSnapshotsPerSecondFor(RoomKind.Pong), 6);
        Assert.False(slo.IsMetBy(held with { Kind = RoomKind.Relay, LatencySamples = 0 }));
    }

    [Theory]
    [InlineData(RoomKind.Arena, null, """{"type":"join","room":"r1","kind":"arena"}""")]
    [InlineData(RoomKind.Pong, null, """{"type":"join","room":"r1","kind":"pong"}""")]
    [InlineData(RoomKind.Relay, 4, """{"type":"join","room":"r1","kind":"relay","max":4}""")]
    [InlineData(RoomKind.Board, 32, """{"type":"join","room":"r1","kind":"board","max":32}""")]
    public void Join_names_the_kind_and_max(RoomKind kind, int? max, string expected)
    {
        Assert.Equal(expected, Encoding.UTF8.GetString(JsonBotCodec.Instance.EncodeJoin("r1", kind, max)));
        Assert.Equal(expected, Encoding.UTF8.GetString(BinaryBotCodec.Instance.EncodeJoin("r1", kind, max)));
    }

    [Fact]
    public void A_pong_map_gives_the_bots_ack_at_index_five()
    {
        var map = """{"type":"map","time":1,"tick":90,"state":"playing","ball":[400.5,250,300,-20],"player":{"p1":[20,210,0,0,3,17],"p2":[780,190.25,0,-300,5,42]}}""";

        Assert.Equal(new ServerMessage(ServerMessageKind.Map, 42, null, null, Seq: 90), Decode(map));
        Assert.Equal(17, Decode(map, "p1").Ack);
        Assert.Equal(-1, Decode(map, "p9").Ack);
    }

    [Fact]
    public void A_relay_from_another_player_gives_seq_and_send_time()
    {
        var relay = Decode("""{"type":"relay","from":"p1","data":{"seq":12,"t":3456.789}}""");

        Assert.Equal(ServerMessageKind.Relay, relay.Kind);
        Assert.Equal(12, relay.Seq);
        Assert.Equal(3456.789, relay.SentMs, 6);
        Assert.False(relay.FromSelf);
        Assert.True(Decode("""{"data":{"t":1,"seq":2},"from":"p2","type":"relay"}""").FromSelf);
        var foreign = Decode("""{"type":"relay","from":"p1","data":"hello"}""");
        Assert.Equal(ServerMessageKind.Relay, foreign.Kind);
        Assert.True(double.IsNaN(foreign.SentMs));
    }

    [Fact]
    public void A_draw_gives_the_seq_of_its_first_point_and_whether_it_is_ones_own()
    {
        var own = Decode("""{"type":"draw","from":"p2","id":7,"points":[[345,12],[352,19]],"color":[1,2,3],"width":4}""");
        var other = Decode("""{"type":"draw","from":"p1","id":8,"points":[[5.0,0.0],[12,7],[19,14]],"color":[1,2,3],"width":4}""");

        Assert.Equal(new ServerMessage(ServerMessageKind.Draw, -1, null, null, 12_345, double.NaN, true), own);
        Assert.Equal(ServerMessageKind.Draw, other.Kind);
        Assert.Equal(5, other.Seq);
        Assert.False(other.FromSelf);
        Assert.Equal(-1, Decode("""{"type":"draw","from":"p2","points":"x"}""").Seq);
        Assert.Equal(ServerMessageKind.Other, Decode("""{"type":"clear","by":"p1"}""").Kind);
    }

    [Fact]
    public void Relay_encodes_seq_and_send_time_as_data()
    {
        var buffer = new byte[JsonBotCodec.MaxKindMessageSize];
        var n = JsonBotCodec.EncodeRelay(long.MaxValue, 123_456_789.125, buffer);

        using var doc = JsonDocument.Parse(buffer.AsMemory(0, n));
        Assert.Equal("relay", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal(long.MaxValue, doc.RootElement.GetProperty("data").GetProperty("seq").GetInt64());
        Assert.Equal(123_456_789.125, doc.RootElement.GetProperty("data").GetProperty("t").GetDouble(), 6);
        Assert.False(doc.RootElement.TryGetProperty("to", out _)); // to every other player

        var echoed = Decode("""{"type":"relay","from":"p1","data":""" + doc.RootElement.GetProperty("data").GetRawText() + "}");
        Assert.Equal(long.MaxValue, echoed.Seq);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(3L)]
    [InlineData(999_999L)]
    [InlineData(1_234_567L)]
    [InlineData(long.MaxValue)]
    public void Draw_is_a_valid_small_stroke_whose_first_point_carries_the_seq(long seq)
    {
        var buffer = new byte[JsonBotCodec.MaxKindMessageSize];
        var n = JsonBotCodec.EncodeDraw(seq, buffer);

        using var doc = JsonDocument.Parse(buffer.AsMemory(0, n));
        var root = doc.RootElement;
        Assert.Equal("draw", root.GetProperty("type").GetString());
        var points = root.GetProperty("points").EnumerateArray().Select(p => p.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToList();
        Assert.InRange(points.Count, 2, 4);
        Assert.All(points, p => { Assert.Equal(2, p.Length); Assert.InRange(p[0], 0, 1000); Assert.InRange(p[1], 0, 1000); });
        Assert.Equal(3, root.GetProperty("color").GetArrayLength());
        Assert.All(root.GetProperty("color").EnumerateArray(), c => Assert.InRange(c.GetInt32(), 0, 255));
        Assert.InRange(root.GetProperty("width").GetInt32(), 1, 40);

        // The server echoes the stroke with from and id; the bot reads its seq back.
        var echo = Decode("""{"type":"draw","from":"p2","id":1,"points":""" + root.GetProperty("points").GetRawText() + "}");
        Assert.True(echo.FromSelf);
        Assert.Equal(seq, JsonBotCodec.DrawSeqFrom(echo.Seq, seq));
        if (seq > 3)
        {
            Assert.Equal(seq - 3, JsonBotCodec.DrawSeqFrom((seq - 3) % 1_000_000, seq)); // an older stroke still in flight
        }
    }

    [Fact]
    public void Report_and_plain_output_name_the_kind_and_its_latency()
    {
        var summary = new LoadSummary
        {
            Ccu = 8, Rooms = 2, P50Ms = 1.24, P90Ms = 2, P99Ms = 3.5, MaxMs = 4, SnapshotsPerBotPerSecond = 0, JoinP99Ms = 5,
            Errors = 0, Disconnects = 0, DurationSeconds = 10, LatencySamples = 1200, Kind = RoomKind.Relay, SloHeld = true,
        };
        var options = new LoadRunOptions { Urls = [new Uri("ws://127.0.0.1:5000/ws")], Rooms = 2, PlayersPerRoom = 4, Kind = RoomKind.Relay };
        var latency = new LatencyHistogram();
        latency.RecordCount(1_250, 1200);

        var report = MarkdownReport.Render(new LoadRunResult(options, summary, [], latency, new LatencyHistogram(), DateTimeOffset.UnixEpoch));

        Assert.Contains("| room kind | relay (join with max 4); does not tick (no maps) |", report, StringComparison.Ordinal);
        Assert.Contains("| relay send→receive latency p50 / p90 / p99 / max | 1.24 / 2 / 3.5 / 4 ms |", report, StringComparison.Ordinal);
        Assert.Contains("no snapshot criterion", report, StringComparison.Ordinal);
        Assert.Contains("## Relay send→receive latency histogram", report, StringComparison.Ordinal);
        Assert.Equal("kind relay: no maps (no tick); relay send→receive p50 1.2 ms, p99 3.5 ms over 1200 samples", PlainProgressView.FormatGaps(summary));

        var pong = MarkdownReport.Render(new LoadRunResult(options with { Kind = RoomKind.Pong, PlayersPerRoom = 2 },
            summary with { Kind = RoomKind.Pong }, [], latency, new LatencyHistogram(), DateTimeOffset.UnixEpoch));
        Assert.Contains("| room kind | pong; ticks at 30 Hz |", pong, StringComparison.Ordinal);
        Assert.Contains("≥ 28.5 snapshots/s every bot", pong, StringComparison.Ordinal);
        Assert.Contains("## Input→ack latency histogram", pong, StringComparison.Ordinal);
    }
}
