using Game.LoadTest.Cli;

namespace Game.LoadTest.Tests;

/// <summary>The per-bot bookkeeping of gaps between <c>map</c>s and ack regressions, and its aggregation over bots, without sockets.</summary>
public sealed class SnapshotGapsTests
{
    /// <summary>A clock whose timestamps are milliseconds, so the tests can use plain numbers.</summary>
    private sealed class MillisecondClock : TimeProvider
    {
        public override long TimestampFrequency => 1000;
    }

    private static readonly TimeProvider Ms = new MillisecondClock();

    [Fact]
    public void The_longest_gap_counts_maps_in_the_window_only_and_the_first_from_the_window_start()
    {
        var gaps = new SnapshotGaps();
        gaps.OnMap(ack: 1, now: 100, windowStart: 0); // warm-up: not a gap
        gaps.OnMap(ack: 2, now: 900, windowStart: 0);

        Assert.Null(gaps.LongestGapMs(Ms, windowStart: 0, windowEnd: 0)); // the window never opened

        gaps.OnMap(ack: 3, now: 1_030, windowStart: 1_000); // 30 ms from the window's start, not 130 from the last map
        gaps.OnMap(ack: 4, now: 1_080, windowStart: 1_000);
        gaps.OnMap(ack: 5, now: 3_580, windowStart: 1_000); // the room paused 2.5 s
        gaps.OnMap(ack: 6, now: 3_630, windowStart: 1_000);

        Assert.Equal(2_500, gaps.LongestGapMs(Ms, windowStart: 1_000, windowEnd: 0));
        Assert.Equal(2_500, gaps.LongestGapMs(Ms, windowStart: 1_000, windowEnd: 3_700)); // 70 ms open at the end
        Assert.Equal(0, gaps.AckRegressions);
    }

    [Fact]
    public void A_room_that_never_resumes_counts_until_the_window_closes_for_a_bot_still_playing()
    {
        var gaps = new SnapshotGaps();
        gaps.OnMap(ack: 1, now: 1_050, windowStart: 1_000);

        Assert.Equal(50, gaps.LongestGapMs(Ms, windowStart: 1_000, windowEnd: 0));
        Assert.Equal(8_950, gaps.LongestGapMs(Ms, windowStart: 1_000, windowEnd: 10_000));
    }

    [Fact]
    public void A_bot_without_a_map_in_the_window_has_a_gap_only_if_it_was_still_playing()
    {
        var gaps = new SnapshotGaps();
        gaps.OnMap(ack: 1, now: 500, windowStart: 0);

        Assert.Null(gaps.LongestGapMs(Ms, windowStart: 1_000, windowEnd: 0));
        Assert.Equal(9_000, gaps.LongestGapMs(Ms, windowStart: 1_000, windowEnd: 10_000));
    }

    [Fact]
    public void An_ack_going_backwards_counts_once_per_step_back_and_a_joined_starts_afresh()
    {
        var gaps = new SnapshotGaps();
        gaps.OnJoined();
        gaps.OnMap(ack: 0, now: 10, windowStart: 0);
        gaps.OnMap(ack: 10, now: 20, windowStart: 0);
        gaps.OnMap(ack: 10, now: 30, windowStart: 0); // no new input applied: not a regression
        gaps.OnMap(ack: -1, now: 40, windowStart: 0); // no entry for the bot: not compared
        gaps.OnMap(ack: 12, now: 50, windowStart: 0);
        Assert.Equal(0, gaps.AckRegressions);

        gaps.OnMap(ack: 7, now: 60, windowStart: 0); // a room restored from an older checkpoint
        gaps.OnMap(ack: 8, now: 70, windowStart: 0); // going on from there is not another regression
        gaps.OnMap(ack: 9, now: 80, windowStart: 0);
        Assert.Equal(1, gaps.AckRegressions);

        gaps.OnJoined(); // a new seat acks from 0 again
        gaps.OnMap(ack: 0, now: 90, windowStart: 0);
        gaps.OnMap(ack: 3, now: 100, windowStart: 0);
        Assert.Equal(1, gaps.AckRegressions);

        gaps.OnMap(ack: 2, now: 110, windowStart: 0);
        Assert.Equal(2, gaps.AckRegressions);
    }

    private static BotResult Bot(int index, double? longestGapMs, long ackRegressions = 0) => new(
        index, $"bot-{index}", "load-x-0", new Uri("ws://127.0.0.1:5000/ws"), "p", BotState.Playing, 1.0,
        100, 60, 20, 100, 20, 0, 99, 99, 0, null, longestGapMs, ackRegressions);

    [Fact]
    public void Summary_gap_figures_are_the_max_median_and_p99_of_the_bots_longest_gaps_and_regressions_count_bots()
    {
        // 100 bots: 97 at 50 ms, 1 at 60 ms, 2 at 3,000 ms (their room failed over); one never seated (no gap).
        var bots = Enumerable.Range(0, 97).Select(i => Bot(i, 50))
            .Append(Bot(97, 60))
            .Append(Bot(98, 3_000, ackRegressions: 2))
            .Append(Bot(99, 3_000, ackRegressions: 1))
            .Append(Bot(100, null))
            .ToList();

        var (max, p50, p99, regressions) = LoadRunner.GapFigures(bots);

        Assert.Equal(3_000, max);
        Assert.Equal(50, p50);
        Assert.Equal(3_000, p99); // nearest rank: the 99th of 100 values
        Assert.Equal(2, regressions);
        Assert.Equal((0, 0, 0, 0), LoadRunner.GapFigures([Bot(0, null)]));
    }

    [Fact]
    public void The_gap_figures_reach_the_report_and_the_final_plain_line()
    {
        var summary = new LoadSummary
        {
            Ccu = 8, Rooms = 1, P50Ms = 1, P90Ms = 2, P99Ms = 3, MaxMs = 4, SnapshotsPerBotPerSecond = 20, JoinP99Ms = 5,
            Errors = 0, Disconnects = 0, DurationSeconds = 10, GapMaxMs = 2_345.6, GapP50Ms = 50.2, GapP99Ms = 2_300, AckRegressions = 3,
        };

        Assert.Equal("gaps between maps: longest 2345.6 ms, median bot 50.2 ms, p99 bot 2300.0 ms; bots whose ack went backwards 3",
            PlainProgressView.FormatGaps(summary));

        var options = new LoadRunOptions { Urls = [new Uri("ws://127.0.0.1:5000/ws")], Rooms = 2, PlayersPerRoom = 2 };
        BotResult[] bots = [Bot(0, 50.2) with { Room = "load-x-0" }, Bot(1, 51) with { Room = "load-x-0" },
            Bot(2, 2_300, 1) with { Room = "load-x-1" }, Bot(3, 2_345.6, 2) with { Room = "load-x-1" }];
        var report = MarkdownReport.Render(new LoadRunResult(options, summary, bots, new LatencyHistogram(), new LatencyHistogram(), DateTimeOffset.UnixEpoch));
        Assert.Contains("| 2345.6 / 50.2 / 2300 ms |", report, StringComparison.Ordinal);
        Assert.Contains("| bots whose ack went backwards (acknowledged input lost) | 3 |", report, StringComparison.Ordinal);
        var byRoom = report[report.IndexOf("## Longest gaps between maps, by room", StringComparison.Ordinal)..];
        Assert.Contains("| `load-x-1` | 2 | 2345.6 | 2300 | 2 |", byRoom, StringComparison.Ordinal);
        Assert.Contains("| `load-x-0` | 2 | 51 | 50.2 | 0 |", byRoom, StringComparison.Ordinal);
        Assert.True(byRoom.IndexOf("load-x-1", StringComparison.Ordinal) < byRoom.IndexOf("load-x-0", StringComparison.Ordinal), "the longest pause comes first");
    }
}
