using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Game.LoadTest.Cli;

namespace Game.LoadTest.Tests;

public sealed class ChaosTests
{
    private static readonly long F = TimeProvider.System.TimestampFrequency;

    private static long Ms(double ms) => (long)(ms * F / 1000);

    private static ChaosOptions Valid() => new() { Pids = [12345], Interval = TimeSpan.FromSeconds(60) };

    [Theory]
    [InlineData("kill,freeze,stop", 3)]
    [InlineData("KILL", 1)]
    [InlineData(" stop , freeze ", 2)]
    public void Fault_lists_parse(string text, int count)
    {
        Assert.True(ChaosFaults.TryParseList(text, out var faults, out var error), error);
        Assert.Equal(count, faults.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("kill,reboot")]
    [InlineData("kill,kill")]
    [InlineData("pg")]
    public void Bad_fault_lists_are_refused(string text)
    {
        Assert.False(ChaosFaults.TryParseList(text, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Valid_options_pass_on_linux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // chaos is Linux only
        }
        Assert.Empty(Valid().Validate(TimeSpan.FromSeconds(600)));
        Assert.Empty((Valid() with { Pids = [], Commands = ["dotnet silo.dll"] }).Validate(TimeSpan.FromSeconds(600)));
    }

    [Fact]
    public void Options_need_a_target_and_both_pg_commands_and_room_for_a_fault()
    {
        var d = TimeSpan.FromSeconds(600);
        Assert.Contains((Valid() with { Pids = [] }).Validate(d), e => e.Contains("--chaos-pid or --chaos-cmd", StringComparison.Ordinal));
        Assert.Contains((Valid() with { Pids = [1] }).Validate(d), e => e.Contains("not a process id", StringComparison.Ordinal));
        Assert.Contains((Valid() with { Pids = [Environment.ProcessId] }).Validate(d), e => e.Contains("load tester itself", StringComparison.Ordinal));
        Assert.Contains((Valid() with { Pids = [7, 7] }).Validate(d), e => e.Contains("twice", StringComparison.Ordinal));
        Assert.Contains((Valid() with { Commands = [" "] }).Validate(d), e => e.Contains("needs a command line", StringComparison.Ordinal));
        Assert.Contains((Valid() with { PgOutage = TimeSpan.FromSeconds(10), PgStopCommand = "x" }).Validate(d), e => e.Contains("both --pg-stop-cmd", StringComparison.Ordinal));
        Assert.Contains((Valid() with { PgStartCommand = "x" }).Validate(d), e => e.Contains("go with --pg-outage-seconds", StringComparison.Ordinal));
        Assert.Contains((Valid() with { FreezeDuration = TimeSpan.FromSeconds(60) }).Validate(d), e => e.Contains("--freeze-seconds", StringComparison.Ordinal));
        Assert.Contains((Valid() with { Interval = TimeSpan.Zero }).Validate(d), e => e.Contains("--chaos-interval", StringComparison.Ordinal));
        Assert.Contains(Valid().Validate(TimeSpan.FromSeconds(65)), e => e.Contains("leaves no room for a fault", StringComparison.Ordinal));
        Assert.Contains((Valid() with { Faults = [] }).Validate(d), e => e.Contains("at least one", StringComparison.Ordinal));
    }

    [Fact]
    public void Faults_fit_the_window_with_heal_and_settle_time()
    {
        var o = Valid(); // kill, freeze (12 s), stop; every 60 s; settle 10 s
        Assert.Equal(9, o.FaultCount(TimeSpan.FromSeconds(600))); // 60 … 540 s; 600 s leaves no settle time
        Assert.Equal(TimeSpan.FromSeconds(120), o.FaultAt(1));
        Assert.Equal(0, o.FaultCount(TimeSpan.FromSeconds(69)));
        Assert.Equal(1, o.FaultCount(TimeSpan.FromSeconds(70)));
        var freezeFirst = o with { Faults = [ChaosFault.Freeze] };
        Assert.Equal(0, freezeFirst.FaultCount(TimeSpan.FromSeconds(81)));
        Assert.Equal(1, freezeFirst.FaultCount(TimeSpan.FromSeconds(82)));
        var pg = o with { Faults = [ChaosFault.Kill], PgOutage = TimeSpan.FromSeconds(20), PgStopCommand = "a", PgStartCommand = "b" };
        Assert.Equal([ChaosFault.Kill, ChaosFault.PgOutage], pg.Rotation);
    }

    [Fact]
    public void Cli_builds_chaos_options_from_its_flags()
    {
        var (options, errors) = LoadTestCommand.BuildChaos(true, false, [], [42], ["dotnet silo.dll"], "freeze,kill", 30, 5, 8, "stop pg", "start pg", 3);
        Assert.Empty(errors);
        Assert.NotNull(options);
        Assert.Equal([42], options.Pids);
        Assert.Equal(["dotnet silo.dll"], options.Commands);
        Assert.Equal([ChaosFault.Freeze, ChaosFault.Kill, ChaosFault.PgOutage], options.Rotation);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.FreezeDuration);
        Assert.Equal(TimeSpan.FromSeconds(3), options.StartupWait);
    }

    [Fact]
    public void Cli_refuses_chaos_flags_without_chaos_with_slo_and_bad_values()
    {
        Assert.Contains(LoadTestCommand.BuildChaos(false, false, ["--chaos-pid"], [42], null, null, 60, 12, 0, null, null).Errors,
            e => e.Contains("go with --chaos", StringComparison.Ordinal));
        Assert.Null(LoadTestCommand.BuildChaos(false, false, [], null, null, null, 60, 12, 0, null, null).Options);
        Assert.Contains(LoadTestCommand.BuildChaos(true, true, [], [42], null, null, 60, 12, 0, null, null).Errors,
            e => e.Contains("--slo", StringComparison.Ordinal));
        Assert.NotEmpty(LoadTestCommand.BuildChaos(true, false, [], [42], null, "boom", 60, 12, 0, null, null).Errors);
        Assert.NotEmpty(LoadTestCommand.BuildChaos(true, false, [], [42], null, null, double.NaN, 12, 0, null, null).Errors);
    }

    [Fact]
    public void Run_options_validate_the_chaos_options()
    {
        var run = new LoadRunOptions { Urls = [new Uri("ws://127.0.0.1:5000/ws")], Duration = TimeSpan.FromSeconds(30), Chaos = Valid() };
        Assert.Contains(run.Validate(), e => e.Contains("leaves no room for a fault", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--chaos")]
    [InlineData("--chaos-pid")]
    public async Task Cli_exits_with_a_usage_error_for_incomplete_chaos(string flag)
    {
        string[] args = flag == "--chaos"
            ? ["--chaos", "--duration", "600", "--plain"]
            : ["--chaos-pid", "4242", "--plain"];
        var exit = await LoadTestCommand.InvokeAsync(args).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExitCodes.Usage, exit);
    }

    [Fact]
    public void Ticks_again_in_stride_far_rewinds_and_repeated_rewinds_break_single_activation()
    {
        var ledger = new ChaosLedger(4, 20, TimeProvider.System);
        long t = Ms(1000);
        for (var bot = 0; bot < 4; bot++)
        {
            ledger.OnMap(bot, 100, 5, t);
        }
        ledger.BeginFault(ChaosFault.Kill, t + Ms(1));
        // bot 0: after a 600 ms pause, resumes 15 ticks back once (a checkpoint under 1 s old): fine
        ledger.OnMap(0, 85, 6, t + Ms(600));
        ledger.OnMap(0, 86, 7, t + Ms(650));
        // bot 1: the same tick twice in stride (two activations)
        ledger.OnMap(1, 101, 6, t + Ms(50));
        ledger.OnMap(1, 101, 7, t + Ms(100));
        // bot 2: resumes 30 ticks back (more than 1 s at 20 Hz), then after another pause goes back again
        ledger.OnMap(2, 70, 6, t + Ms(600));
        ledger.OnMap(2, 101, 7, t + Ms(650));
        ledger.OnMap(2, 90, 8, t + Ms(1300));
        // bot 3: resumes at the very tick it last saw (a checkpoint of that tick): fine
        ledger.OnMap(3, 100, 6, t + Ms(900));
        ledger.OnMap(3, 101, 7, t + Ms(950));
        var kill = Assert.Single(ledger.Summarize([ChaosFault.Kill, ChaosFault.Stop]));
        Assert.Equal(1, kill.TickDuplicates);
        Assert.Equal(1, kill.TickRewindsTooFar);
        Assert.Equal(1, kill.TickRewindsRepeated);
        Assert.False(kill.SingleActivationHeld);

        var ok = new ChaosLedger(1, 20, TimeProvider.System);
        ok.OnMap(0, 100, 1, t);
        ok.BeginFault(ChaosFault.Freeze, t);
        ok.OnMap(0, 90, 2, t + Ms(500));
        ok.OnMap(0, 91, 3, t + Ms(520));
        Assert.True(Assert.Single(ok.Summarize([ChaosFault.Freeze])).SingleActivationHeld);
        ok.OnMap(0, 85, 4, t + Ms(1000)); // a second resume in the same window
        ok.OnMap(0, 86, 5, t + Ms(1050));
        ok.OnMap(0, 80, 6, t + Ms(1060)); // and a step back in stride
        var freeze = Assert.Single(ok.Summarize([ChaosFault.Freeze]));
        Assert.Equal(1, freeze.TickRewindsRepeated);
        Assert.Equal(1, freeze.TickDuplicates);
        Assert.False(freeze.SingleActivationHeld);
    }

    [Fact]
    public void Maps_without_a_tick_and_maps_before_the_first_fault_are_not_counted()
    {
        var ledger = new ChaosLedger(1, 20, TimeProvider.System);
        ledger.OnMap(0, 10, 1, Ms(10));
        ledger.OnMap(0, 10, 0, Ms(20)); // before any fault: no window to count in
        ledger.BeginFault(ChaosFault.Stop, Ms(30));
        ledger.OnMap(0, -1, 1, Ms(40));
        ledger.OnMap(0, -1, 2, Ms(50));
        var stop = Assert.Single(ledger.Summarize([ChaosFault.Stop]));
        Assert.True(stop.SingleActivationHeld);
        Assert.Equal(0, stop.AckRegressions);
        Assert.True(stop.AcksHeld);
    }

    [Fact]
    public void Ack_regressions_break_the_invariant_after_a_graceful_stop_only()
    {
        var ledger = new ChaosLedger(1, 20, TimeProvider.System);
        ledger.OnMap(0, 1, 50, Ms(10));
        ledger.BeginFault(ChaosFault.Kill, Ms(20));
        ledger.OnMap(0, 2, 40, Ms(30));
        ledger.BeginFault(ChaosFault.Stop, Ms(40));
        ledger.OnMap(0, 3, 45, Ms(50));
        ledger.OnMap(0, 4, 44, Ms(60));
        var figures = ledger.Summarize([ChaosFault.Kill, ChaosFault.Stop]);
        Assert.Equal(1, figures[0].AckRegressions);
        Assert.True(figures[0].AcksHeld);
        Assert.Equal(1, figures[1].AckRegressions);
        Assert.False(figures[1].AcksHeld);
    }

    [Fact]
    public void Gaps_are_the_longest_pause_after_each_fault_including_the_open_one_at_its_end()
    {
        var ledger = new ChaosLedger(2, 20, TimeProvider.System);
        ledger.OnMap(0, 1, 1, Ms(1000));
        ledger.OnMap(1, 1, 1, Ms(1000));
        ledger.BeginFault(ChaosFault.Freeze, Ms(1010));
        ledger.OnMap(0, 2, 2, Ms(1050)); // 40 ms after the fault
        ledger.OnMap(0, 3, 3, Ms(4050)); // a 3 s pause
        ledger.OnMap(1, 2, 2, Ms(1060));
        ledger.OnMap(1, 3, 3, Ms(1110));
        ledger.Finish(Ms(1510)); // bot 1 has been silent for 400 ms at the end
        var freeze = Assert.Single(ledger.Summarize([ChaosFault.Freeze]));
        Assert.Equal(3000, freeze.GapMaxMs, 1);
        Assert.Equal(400, freeze.GapP50Ms, 1);
    }

    [Fact]
    public void Disconnects_count_once_as_lost_seats_of_the_current_fault()
    {
        var ledger = new ChaosLedger(2, 20, TimeProvider.System);
        ledger.OnDisconnect(0); // before any fault: not a fault's
        ledger.BeginFault(ChaosFault.Kill, Ms(10));
        ledger.OnDisconnect(1);
        ledger.OnDisconnect(1);
        ledger.OnProbeFailure(hello: true);
        Assert.True(Assert.Single(ledger.Summarize([ChaosFault.Kill])).JoinsHeld); // while the fault lasted: reported only
        ledger.OnProbeFailure(hello: false, afterHeal: true);
        var kill = Assert.Single(ledger.Summarize([ChaosFault.Kill]));
        Assert.Equal(1, kill.ProbeFailuresAfterHeal);
        Assert.Equal(1, kill.Disconnects);
        Assert.Equal(0, kill.Resumed);
        Assert.False(kill.SeatsHeld);
        Assert.Equal(1, kill.HelloFailures);
        Assert.Equal(1, kill.JoinFailures);
        Assert.False(kill.JoinsHeld);
        Assert.True(ledger.IsLost(0));
    }

    [Fact]
    public void Lobby_check_finds_ghost_missing_and_miscounted_rooms()
    {
        var expected = new Dictionary<string, int> { ["load-x-0"] = 8, ["load-x-1"] = 7, ["load-x-2"] = 8 };
        Assert.True(ChaosLobbyCheck.Compare(expected, new Dictionary<string, int>(expected)).Held);
        var check = ChaosLobbyCheck.Compare(expected, new Dictionary<string, int> { ["load-x-0"] = 8, ["load-x-1"] = 8, ["load-x-9"] = 1 });
        Assert.False(check.Held);
        Assert.Equal(1, check.GhostRooms);
        Assert.Equal(1, check.MissingRooms);
        Assert.Equal(1, check.WrongCounts);
        Assert.False(ChaosLobbyCheck.NotChecked("x").Held);
    }

    [Fact]
    public void Lobby_rooms_of_the_run_are_read_from_a_rooms_message()
    {
        using var doc = JsonDocument.Parse("""[{"id":"load-ab-0","kind":"arena","players":8,"max":8,"locked":false},{"id":"chaos-ab-0a","players":1},{"id":"load-ab-1","players":3},{"id":"other","players":2}]""");
        var rooms = ChaosMonkey.ParseRooms(doc.RootElement, "load-ab-");
        Assert.Equal(2, rooms.Count);
        Assert.Equal(8, rooms["load-ab-0"]);
        Assert.Equal(3, rooms["load-ab-1"]);
    }

    [Fact]
    public void Summary_json_has_the_chaos_field_and_the_report_its_section()
    {
        var report = new ChaosReport(
            [new ChaosFaultEvent(ChaosFault.Stop, "cmd 1 (pid 7)", 60, 61.5, null)],
            [new ChaosFaultSummary(ChaosFault.Stop, 1, 1500, 900, 0, 0, 0, 0, 0, 0, 0, 0)],
            new ChaosLobbyCheck(true, 2, 2, 0, 0, 0));
        Assert.True(report.Held);
        var summary = new LoadSummary
        {
            Ccu = 1, Rooms = 1, P50Ms = 1, P90Ms = 1, P99Ms = 1, MaxMs = 1, SnapshotsPerBotPerSecond = 20, JoinP99Ms = 1,
            Errors = 0, Disconnects = 0, DurationSeconds = 70, Chaos = report,
        };
        using var doc = JsonDocument.Parse(summary.ToJson());
        var chaos = doc.RootElement.GetProperty("chaos");
        Assert.True(chaos.GetProperty("held").GetBoolean());
        var stop = chaos.GetProperty("by_fault").GetProperty("stop");
        Assert.Equal(1500, stop.GetProperty("gap_max_ms").GetDouble());
        Assert.True(stop.GetProperty("acks").GetProperty("held").GetBoolean());
        Assert.True(chaos.GetProperty("lobby").GetProperty("held").GetBoolean());
        Assert.Equal("stop", chaos.GetProperty("faults")[0].GetProperty("fault").GetString());

        var lines = ChaosText.Lines(report).ToList();
        Assert.Contains(lines, l => l.StartsWith("chaos stop ×1: longest gap max 1500 ms", StringComparison.Ordinal));
        Assert.Equal("chaos: every invariant held (1 fault(s))", lines[^1]);
        var sb = new StringBuilder();
        ChaosText.AppendMarkdown(sb, report);
        Assert.Contains("## Chaos soak", sb.ToString(), StringComparison.Ordinal);
        Assert.Null(new LoadSummary
        {
            Ccu = 1, Rooms = 1, P50Ms = 1, P90Ms = 1, P99Ms = 1, MaxMs = 1, SnapshotsPerBotPerSecond = 20, JoinP99Ms = 1,
            Errors = 0, Disconnects = 0, DurationSeconds = 70,
        }.Chaos);
    }

    [Fact]
    public void A_json_map_carries_its_tick_number()
    {
        var state = new BotCodecState();
        var message = BotCodecs.Create(BotEncoding.Json).Decode("""{"type":"map","time":1,"tick":4711,"player":{"p2":[0,0,0,0,100,9]}}"""u8, WebSocketMessageType.Text, "p2"u8, ref state);
        Assert.Equal(ServerMessageKind.Map, message.Kind);
        Assert.Equal(4711, message.Seq);
        Assert.Equal(9, message.Ack);
    }

    private static ChaosSiloRoster Roster(params ChaosSilo[] silos) => new(silos, TimeSpan.FromSeconds(20), F);

    private static ChaosSilo Cmd(int n, int pid)
    {
        var silo = new ChaosSilo($"cmd {n}", "dotnet silo.dll");
        ChaosSiloRoster.OnStarted(silo, pid, null);
        return silo;
    }

    [Fact]
    public void A_silo_that_stops_itself_after_a_freeze_is_restarted_and_later_faults_find_it()
    {
        // The soak's rotation over two silos: kill → cmd 1, freeze → cmd 2 (which wakes, reads it was declared dead and
        // exits), stop → cmd 1, kill → cmd 2: that last one must find the restarted process, not a dead pid.
        var one = Cmd(1, 100);
        var two = Cmd(2, 200);
        var roster = Roster(one, two);
        var t = Ms(60_000);

        var (kill, _) = roster.Pick(t);
        Assert.Same(one, kill);
        ChaosSiloRoster.OnInjected(one, ChaosFault.Kill);
        Assert.True(ChaosSiloRoster.OnStoppedByTester(one));
        ChaosSiloRoster.OnStarted(one, 101, t);

        var (freeze, _) = roster.Pick(Ms(120_000));
        Assert.Same(two, freeze);
        ChaosSiloRoster.OnInjected(two, ChaosFault.Freeze);
        var (exit, restart) = roster.OnExited(two, 0, Ms(135_000), 75);
        Assert.True(restart);
        Assert.True(exit.AfterFreeze);
        Assert.False(exit.DuringStartup);
        ChaosSiloRoster.OnStarted(two, 201, Ms(135_000));
        exit = exit with { RestartedPid = 201 };
        Assert.True(exit.Held);
        Assert.Equal("silo cmd 2 (pid 200) exited by itself after the freeze (75 s, exit code 0); restarted as pid 201", exit.Describe());

        var (stop, _) = roster.Pick(Ms(180_000));
        Assert.Same(one, stop);
        ChaosSiloRoster.OnInjected(one, ChaosFault.Stop);
        Assert.True(ChaosSiloRoster.OnStoppedByTester(one));
        ChaosSiloRoster.OnStarted(one, 102, Ms(180_000));

        var (next, skip) = roster.Pick(Ms(240_000));
        Assert.Null(skip);
        Assert.Same(two, next);
        Assert.Equal(201, next!.Pid);
        Assert.Null(next.LastFault); // a new process: its exit would not count as after the freeze
        Assert.Equal("cmd 2 (pid 201)", next.Label);
    }

    [Fact]
    public void Faults_prefer_a_silo_not_restarted_within_the_startup_wait_and_skip_when_none_runs()
    {
        var one = Cmd(1, 100);
        var two = Cmd(2, 200);
        var roster = Roster(one, two);
        ChaosSiloRoster.OnStarted(one, 101, Ms(50_000)); // restarted 10 s before the fault: still starting
        Assert.True(roster.IsStarting(one, Ms(60_000)));
        Assert.Same(two, roster.Pick(Ms(60_000)).Silo); // round robin would say cmd 1
        Assert.Same(two, roster.Pick(Ms(61_000)).Silo);
        Assert.Same(one, roster.Pick(Ms(70_000)).Silo); // 20 s after its restart it is fair game again

        ChaosSiloRoster.OnStarted(two, 201, Ms(75_000));
        ChaosSiloRoster.OnStarted(one, 102, Ms(76_000));
        Assert.NotNull(roster.Pick(Ms(80_000)).Silo); // every live silo is starting: one of them anyway

        one.Alive = false;
        two.Alive = false;
        var (none, why) = roster.Pick(Ms(90_000));
        Assert.Null(none);
        Assert.StartsWith("no live silo to inject into", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Silos_given_by_pid_and_silos_that_keep_crashing_leave_the_rotation()
    {
        var pid = new ChaosSilo("pid 4242", null);
        ChaosSiloRoster.OnStarted(pid, 4242, null);
        var roster = Roster(pid);
        ChaosSiloRoster.OnInjected(pid, ChaosFault.Freeze);
        var (exit, restart) = roster.OnExited(pid, null, Ms(1000), 1);
        Assert.False(restart);
        Assert.True(exit.Held); // after a freeze, and the tester cannot restart it: as expected
        Assert.Contains("not restarted: given by --chaos-pid", exit.Describe(), StringComparison.Ordinal);
        Assert.Contains("--chaos-pid", roster.Pick(Ms(2000)).SkipReason, StringComparison.Ordinal);
        Assert.Equal("pid 4242", pid.Label);

        var killed = new ChaosSilo("pid 7", null);
        ChaosSiloRoster.OnStarted(killed, 7, null);
        Assert.False(ChaosSiloRoster.OnStoppedByTester(killed));
        Assert.NotNull(killed.GoneBecause);

        var crashing = Cmd(1, 100);
        var crashes = Roster(crashing);
        var (crash, again) = crashes.OnExited(crashing, 134, Ms(30_000), 30); // not after a freeze: unexpected
        Assert.True(again);
        Assert.False((crash with { RestartedPid = 101 }).Held);
        Assert.Contains("UNEXPECTED", crash.Describe(), StringComparison.Ordinal);
        for (var i = 1; i <= ChaosSiloRoster.MaxQuickExits; i++)
        {
            ChaosSiloRoster.OnStarted(crashing, 100 + i, Ms(30_000 + (i * 1000)));
            (crash, again) = crashes.OnExited(crashing, 134, Ms(30_500 + (i * 1000)), 30.5 + i);
            Assert.True(crash.DuringStartup);
        }
        Assert.False(again);
        Assert.NotNull(crash.NotRestartedBecause);
        Assert.Null(crashes.Pick(Ms(40_000)).Silo);
    }

    [Fact]
    public void A_probe_retried_after_the_heal_is_reported_but_only_a_failed_retry_breaks_the_joins()
    {
        var ledger = new ChaosLedger(1, 20, TimeProvider.System);
        ledger.BeginFault(ChaosFault.Kill, Ms(10));
        ledger.OnProbeFailure(hello: true); // during the fault
        ledger.OnProbeRetry(hello: true);   // after the heal, first attempt; its retry was seated
        var kill = Assert.Single(ledger.Summarize([ChaosFault.Kill]));
        Assert.Equal(2, kill.HelloFailures);
        Assert.Equal(1, kill.ProbeRetriesAfterHeal);
        Assert.Equal(0, kill.ProbeFailuresAfterHeal);
        Assert.True(kill.JoinsHeld);

        ledger.BeginFault(ChaosFault.Stop, Ms(20));
        ledger.OnProbeRetry(hello: false);
        ledger.OnProbeFailure(hello: false, afterHeal: true); // the retry failed too
        var stop = Assert.Single(ledger.Summarize([ChaosFault.Stop]));
        Assert.Equal(2, stop.JoinFailures);
        Assert.Equal(1, stop.ProbeRetriesAfterHeal);
        Assert.Equal(1, stop.ProbeFailuresAfterHeal);
        Assert.False(stop.JoinsHeld);
    }

    private static Func<TimeSpan, CancellationToken, Task<(ChaosLobbyCheck? Check, string? Failure)>> Lobby(int failFirst)
    {
        var calls = 0;
        return (_, _) => Task.FromResult(++calls <= failFirst
            ? ((ChaosLobbyCheck?)null, (string?)"hello refused (unavailable)")
            : (ChaosLobbyCheck.Compare(new Dictionary<string, int> { ["load-x-0"] = 8 }, new Dictionary<string, int> { ["load-x-0"] = 8 }), null));
    }

    [Fact]
    public async Task The_lobby_check_retries_a_refused_hello_and_says_so()
    {
        var log = new List<string>();
        var check = await ChaosLobbyRetry.RunAsync(Lobby(2), TimeProvider.System, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(5),
            TimeSpan.FromSeconds(10), () => 551, log.Add, CancellationToken.None);
        Assert.True(check.Held);
        Assert.Equal(3, check.Attempts);
        Assert.Equal(["attempt 1 at 551.0 s: hello refused (unavailable)", "attempt 2 at 551.0 s: hello refused (unavailable)"], check.Retries);
        Assert.Equal(3, log.Count); // two retries, then the answer
        Assert.Contains(ChaosText.Lines(new ChaosReport([new ChaosFaultEvent(ChaosFault.Kill, "cmd 1 (pid 7)", 540, 540.1, null)], [], check)),
            l => l == "chaos lobby retry: attempt 2 at 551.0 s: hello refused (unavailable)");
    }

    [Fact]
    public async Task The_lobby_check_gives_up_at_its_deadline_or_when_the_window_closes()
    {
        var log = new List<string>();
        var check = await ChaosLobbyRetry.RunAsync(Lobby(int.MaxValue), TimeProvider.System, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10),
            TimeSpan.FromSeconds(10), () => 1, log.Add, CancellationToken.None);
        Assert.False(check.Checked);
        Assert.False(check.Held);
        Assert.True(check.Attempts >= 2, $"{check.Attempts} attempts");
        Assert.Equal(check.Attempts, check.Retries.Count);
        Assert.StartsWith($"the lobby check failed {check.Attempts} time(s)", check.Error, StringComparison.Ordinal);
        Assert.StartsWith("gave up", log[^1], StringComparison.Ordinal);

        using var closed = new CancellationTokenSource();
        var calls = 0;
        var cancelled = await ChaosLobbyRetry.RunAsync(
            async (_, token) =>
            {
                if (++calls == 2)
                {
                    await closed.CancelAsync();
                    token.ThrowIfCancellationRequested();
                }
                return (null, "hello refused (unavailable)");
            },
            TimeProvider.System, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(10), () => 1, null, closed.Token);
        Assert.False(cancelled.Checked);
        Assert.Equal(2, cancelled.Attempts);
        Assert.Single(cancelled.Retries);
        Assert.Contains("window closed during the lobby check's retries", cancelled.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Skipped_faults_and_silo_exits_are_reported_and_an_unexpected_exit_breaks_the_verdict()
    {
        var lobby = new ChaosLobbyCheck(true, 1, 1, 0, 0, 0) { Attempts = 2, Retries = ["attempt 1 at 551.0 s: hello refused (unavailable)"] };
        var afterFreeze = new ChaosSiloExit("cmd 2", 200, 135, 0, AfterFreeze: true, DuringStartup: false) { RestartedPid = 201 };
        var report = new ChaosReport(
            [
                new ChaosFaultEvent(ChaosFault.Freeze, "cmd 2 (pid 200)", 120, 132, null),
                new ChaosFaultEvent(ChaosFault.Kill, "-", 180, null, null) { Skipped = "no live silo to inject into (pid 7: not running)" },
            ],
            [new ChaosFaultSummary(ChaosFault.Freeze, 1, 12000, 12000, 0, 0, 1, 0, 0, 0, 0, 0) { ProbeRetriesAfterHeal = 1 }],
            lobby) { SiloExits = [afterFreeze] };
        Assert.True(report.Held); // the exit after the freeze is correct, the skip is reported, not a broken invariant
        var lines = ChaosText.Lines(report).ToList();
        Assert.Contains("chaos silo cmd 2 (pid 200) exited by itself after the freeze (135 s, exit code 0); restarted as pid 201", lines);
        Assert.Contains(lines, l => l.StartsWith("chaos kill at 180 s skipped: no live silo", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("chaos lobby held (answered on attempt 2)", StringComparison.Ordinal));
        Assert.Equal("chaos: every invariant held (1 fault(s), 1 skipped, 1 silo exit(s) by themselves)", lines[^1]);
        var sb = new StringBuilder();
        ChaosText.AppendMarkdown(sb, report);
        Assert.Contains("- silo cmd 2 (pid 200) exited by itself after the freeze", sb.ToString(), StringComparison.Ordinal);
        Assert.Contains("| skipped: no live silo", sb.ToString(), StringComparison.Ordinal);

        var summary = new LoadSummary
        {
            Ccu = 1, Rooms = 1, P50Ms = 1, P90Ms = 1, P99Ms = 1, MaxMs = 1, SnapshotsPerBotPerSecond = 20, JoinP99Ms = 1,
            Errors = 0, Disconnects = 0, DurationSeconds = 200, Chaos = report,
        };
        using var doc = JsonDocument.Parse(summary.ToJson());
        var chaos = doc.RootElement.GetProperty("chaos");
        var exit = Assert.Single(chaos.GetProperty("silo_exits").EnumerateArray());
        Assert.True(exit.GetProperty("after_freeze").GetBoolean());
        Assert.Equal(201, exit.GetProperty("restarted_pid").GetInt32());
        Assert.StartsWith("no live silo", chaos.GetProperty("faults")[1].GetProperty("skipped").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, chaos.GetProperty("by_fault").GetProperty("freeze").GetProperty("joins").GetProperty("retries_after_heal").GetInt32());
        Assert.Equal(2, chaos.GetProperty("lobby").GetProperty("attempts").GetInt32());
        Assert.Equal(1, chaos.GetProperty("lobby").GetProperty("retries").GetArrayLength());

        Assert.False((report with { SiloExits = [afterFreeze with { AfterFreeze = false }] }).Held); // a crash
        Assert.False((report with { SiloExits = [afterFreeze with { RestartedPid = null, RestartError = "no such file" }] }).Held);
        Assert.False((report with { Events = [report.Events[1]] }).Held); // nothing injected at all
    }
}
