using Game.Grains.Interfaces;
using Game.Grains.Kinds.Pong;

namespace Game.Grains.Tests.Kinds;

public sealed class PongSimulationTests
{
    private const double Eps = 1e-9;

    private static PongPaddle Paddle(string id, int slot, double y = 250, int score = 0) => new(id, slot, y, 0, 0, score, 0);

    /// <summary>A match in play between L (left, host) and R (right) at tick 100, with the ball as given.</summary>
    private static PongSimulation Rally(PongBall ball, double leftY = 250, double rightY = 250, int leftScore = 0, int rightScore = 0)
        => PongSimulation.Restore(new PongState(100, 7, PongPhase.Playing, ball, 0, 0, null,
            Paddle("L", 0, leftY, leftScore), Paddle("R", 1, rightY, rightScore)));

    private static double Speed(PongBall b) => Math.Sqrt(b.Vx * b.Vx + b.Vy * b.Vy);

    private static void Steps(PongSimulation sim, int count)
    {
        for (int i = 0; i < count; i++) sim.Step();
    }

    private static long _seq;

    private static void Hold(PongSimulation sim, string id, float vy, float vx = 0)
        => sim.SetInput(id, new InputSample(true, Interlocked.Increment(ref _seq), vx, vy, false));

    [Theory]
    [InlineData(5, -300, 5, 300)]     // 10 up: 5 to the top wall, 5 back down
    [InlineData(495, 300, 495, -300)] // the bottom wall
    [InlineData(2, -150, 3, 150)]
    public void Ball_bounces_off_top_and_bottom_walls_keeping_its_speed(double y, double vy, double expectedY, double expectedVy)
    {
        var sim = Rally(new PongBall(400, y, 120, vy));

        sim.Step();

        Assert.Equal(400 + 120 * PongSimulation.Dt, sim.Ball.X, Eps);
        Assert.Equal(expectedY, sim.Ball.Y, Eps);
        Assert.Equal(120, sim.Ball.Vx, Eps);
        Assert.Equal(expectedVy, sim.Ball.Vy, Eps);
        Assert.Empty(sim.Events);
    }

    [Theory]
    [InlineData(250, 0)]    // the paddle's centre: straight back
    [InlineData(290, 60)]   // its lower end (y grows downwards): 60° down
    [InlineData(210, -60)]  // its upper end: 60° up
    [InlineData(270, 30)]   // half way: 30°
    [InlineData(240, -15)]
    public void Ball_leaves_the_left_paddle_at_an_angle_set_by_where_it_hit(double hitY, double degrees)
    {
        var sim = Rally(new PongBall(25, hitY, -300, 0)); // reaches x = 20 half way through the step

        sim.Step();

        double angle = degrees * Math.PI / 180;
        Assert.Equal(315 * Math.Cos(angle), sim.Ball.Vx, Eps);
        Assert.Equal(315 * Math.Sin(angle), sim.Ball.Vy, Eps);
        Assert.Equal(20 + sim.Ball.Vx / 60, sim.Ball.X, Eps); // half a step away from the paddle
        Assert.Equal(hitY + sim.Ball.Vy / 60, sim.Ball.Y, Eps);
    }

    [Theory]
    [InlineData(250, 0)]
    [InlineData(290, 60)]
    [InlineData(210, -60)]
    public void Ball_leaves_the_right_paddle_leftwards_at_the_same_angles(double hitY, double degrees)
    {
        var sim = Rally(new PongBall(775, hitY, 300, 0));

        sim.Step();

        double angle = degrees * Math.PI / 180;
        Assert.Equal(-315 * Math.Cos(angle), sim.Ball.Vx, Eps);
        Assert.Equal(315 * Math.Sin(angle), sim.Ball.Vy, Eps);
    }

    [Fact]
    public void The_angle_is_measured_from_the_paddles_centre_where_it_is_after_moving()
    {
        var sim = Rally(new PongBall(25, 270, -300, 0), leftY: 240);
        Hold(sim, "L", 1); // moves down 10 this step, to 250, before the ball arrives: a hit 20 below centre

        sim.Step();

        Assert.Equal(250, sim.Left!.Value.Y, Eps);
        Assert.Equal(315 * Math.Sin(Math.PI / 6), sim.Ball.Vy, Eps);
    }

    [Theory]
    [InlineData(300, 315)]
    [InlineData(600, 630)]
    [InlineData(857, 899.85)]
    [InlineData(880, 900)] // 924 capped
    [InlineData(900, 900)]
    public void Each_paddle_hit_speeds_the_ball_up_by_five_percent_up_to_900(double speed, double expected)
    {
        // a 45° approach to the paddle's centre: the speed, not the direction, is kept and raised
        double v = speed / Math.Sqrt(2);
        var sim = Rally(new PongBall(20 + v / 60, 250 - v / 60, -v, v));

        sim.Step();

        Assert.Equal(expected, Speed(sim.Ball), 1e-6);
        Assert.True(sim.Ball.Vx > 0);
    }

    [Fact]
    public void Rally_speeds_up_hit_after_hit_and_stays_capped()
    {
        // both paddles follow the ball exactly: every hit is central, the ball goes straight across and back
        var sim = Rally(new PongBall(400, 250, -300, 0));
        var speeds = new List<double>();
        for (int i = 0; i < 3000 && speeds.Count < 30; i++)
        {
            double before = sim.Ball.Vx;
            sim.Step();
            if (Math.Sign(sim.Ball.Vx) != Math.Sign(before)) speeds.Add(Speed(sim.Ball));
        }

        Assert.Equal(30, speeds.Count);
        for (int i = 0; i < speeds.Count; i++) Assert.Equal(Math.Min(300 * Math.Pow(1.05, i + 1), 900), speeds[i], 1e-6);
        Assert.Empty(sim.Events);
    }

    [Fact]
    public void Ball_past_a_paddle_scores_for_the_other_player_and_is_served_towards_the_conceder_after_one_second()
    {
        var sim = Rally(new PongBall(25, 300, -300, 0)); // 50 below the left paddle's centre: a miss

        sim.Step(); // crosses the paddle's line: on to 15..
        Assert.Equal(15, sim.Ball.X, Eps);
        sim.Step();
        Assert.Equal(5, sim.Ball.X, Eps);
        Assert.Empty(sim.Events);
        sim.Step(); // ..and reaches the court's end: a point for R
        Assert.Equal([new PongEvent(PongEventKind.Point, "R", "L", 0, "R", 1)], sim.Events);
        Assert.Equal(new PongBall(400, 250, 0, 0), sim.Ball);
        Assert.Equal(PongSide.Left, sim.LastConceder);
        Assert.Equal(103 + PongSimulation.ServeDelayTicks, sim.ServeAtTick);

        Steps(sim, 29);
        Assert.Equal(new PongBall(400, 250, 0, 0), sim.Ball);
        Assert.Equal(PongPhase.Playing, sim.Phase);
        sim.Step(); // 1 s after the point: served, towards L
        Assert.Equal(400, sim.Ball.X);
        Assert.True(sim.Ball.Vx < 0);
        Assert.Equal(300, Speed(sim.Ball), 1e-9);
        Assert.True(Math.Abs(sim.Ball.Vy) <= Math.Abs(sim.Ball.Vx) + Eps, "within 45° of horizontal");
        sim.Step();
        Assert.Equal(400 + sim.Ball.Vx / 30, sim.Ball.X, Eps);
    }

    [Fact]
    public void A_miss_on_the_right_scores_for_the_left_and_the_serve_goes_right()
    {
        var sim = Rally(new PongBall(790, 100, 600, 0), leftScore: 3, rightScore: 5);

        sim.Step();

        Assert.Equal([new PongEvent(PongEventKind.Point, "L", "L", 4, "R", 5)], sim.Events);
        Steps(sim, PongSimulation.ServeDelayTicks);
        Assert.True(sim.Ball.Vx > 0);
    }

    [Fact]
    public void A_missed_ball_cannot_be_hit_from_behind_and_bounces_off_walls_on_its_way_out()
    {
        var sim = Rally(new PongBall(10, 3, -30, -300), leftY: 40); // behind the paddle's line, near the top

        sim.Step();

        Assert.Equal(7, sim.Ball.Y, Eps);
        Assert.Equal(300, sim.Ball.Vy, Eps);
        Assert.Equal(9, sim.Ball.X, Eps);
    }

    [Fact]
    public void First_serve_of_a_new_pair_is_random_within_45_degrees()
    {
        var sides = new HashSet<int>();
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var sim = new PongSimulation(seed);
            Assert.True(sim.TryAddPlayer("a"));
            Assert.True(sim.TryAddPlayer("b"));
            Assert.Equal(PongPhase.Playing, sim.Phase);
            Steps(sim, PongSimulation.ServeDelayTicks - 1);
            Assert.Equal(0, Speed(sim.Ball));
            sim.Step();
            Assert.Equal(300, Speed(sim.Ball), 1e-9);
            Assert.True(Math.Abs(sim.Ball.Vy) <= Math.Abs(sim.Ball.Vx) + Eps);
            sides.Add(Math.Sign(sim.Ball.Vx));
        }

        Assert.Equal([-1, 1], sides.Order());
    }

    [Fact]
    public void Eleven_ends_the_match_over_for_three_seconds_then_a_new_match_starts_at_nil_all()
    {
        var sim = Rally(new PongBall(795, 250, 300, 0), leftScore: 10, rightScore: 7);

        sim.Step(); // L's eleventh

        Assert.Equal(
            [new PongEvent(PongEventKind.Point, "L", "L", 11, "R", 7), new PongEvent(PongEventKind.MatchOver, "L", "L", 11, "R", 7)],
            sim.Events);
        Assert.Equal(PongPhase.Over, sim.Phase);
        Assert.Equal(101 + PongSimulation.OverTicks, sim.OverUntilTick);

        Hold(sim, "R", 1);
        Steps(sim, PongSimulation.OverTicks - 1);
        Assert.Equal(PongPhase.Over, sim.Phase);
        Assert.Equal(new PongBall(400, 250, 0, 0), sim.Ball);
        Assert.Equal(460, sim.Right!.Value.Y); // paddles may move while over
        Assert.Equal(11, sim.Left!.Value.Score);

        sim.Step(); // 3 s after the match point
        Assert.Equal(PongPhase.Playing, sim.Phase);
        Assert.Equal(0, sim.Left!.Value.Score);
        Assert.Equal(0, sim.Right!.Value.Score);
        Assert.Empty(sim.Events);
        Steps(sim, PongSimulation.ServeDelayTicks);
        Assert.True(sim.Ball.Vx > 0, "the new match's first serve goes to the last point's conceder");
    }

    [Fact]
    public void One_player_waits_and_nothing_moves()
    {
        var sim = new PongSimulation(1);
        Assert.True(sim.TryAddPlayer("a"));
        Hold(sim, "a", 1);

        Steps(sim, 60);

        Assert.Equal(PongPhase.Waiting, sim.Phase);
        Assert.Equal(new PongPaddle("a", 0, 250, 0, 1, 0, _seq), sim.Left);
        Assert.Null(sim.Right);
        Assert.Equal(new PongBall(400, 250, 0, 0), sim.Ball);
        Assert.Equal(60, sim.Tick);
    }

    [Fact]
    public void Paddles_move_at_300_per_second_times_input_y_clamped_to_the_court_and_ignore_input_x()
    {
        var sim = Rally(new PongBall(400, 250, 0.001, 0));
        Hold(sim, "L", -0.5f, vx: 1);
        Hold(sim, "R", 1);

        sim.Step();
        Assert.Equal(245, sim.Left!.Value.Y, Eps);
        Assert.Equal(-150, sim.Left!.Value.Vy, Eps);
        Assert.Equal(260, sim.Right!.Value.Y, Eps);
        Assert.Equal(_seq, sim.Right!.Value.Ack);

        Steps(sim, 30);
        Assert.Equal(95, sim.Left!.Value.Y, Eps); // held: 5 a step
        Assert.Equal(460, sim.Right!.Value.Y);    // 80 high, kept inside 0..500
        Assert.Equal(0, sim.Right!.Value.Vy);
        sim.SetInput("L", new InputSample(true, 99, 0, float.NaN, true));
        sim.Step();
        Assert.Equal(95, sim.Left!.Value.Y, Eps);
        Assert.Equal(99, sim.Left!.Value.Ack);
    }

    [Fact]
    public void Host_takes_the_left_when_a_match_starts_and_nobody_switches_during_one()
    {
        var sim = new PongSimulation(3);
        sim.TryAddPlayer("host");
        sim.TryAddPlayer("guest");
        Assert.Equal(("host", "guest"), (sim.Left!.Value.Id, sim.Right!.Value.Id));
        Assert.False(sim.TryAddPlayer("third"));

        Steps(sim, 100);
        Assert.True(sim.RemovePlayer("host")); // guest becomes host; it waits on the right
        Assert.Equal(PongPhase.Waiting, sim.Phase);
        Assert.Null(sim.Left);
        Assert.Equal("guest", sim.Right!.Value.Id);

        sim.TryAddPlayer("newcomer"); // a new match: the host (guest) moves to the left
        Assert.Equal(("guest", "newcomer"), (sim.Left!.Value.Id, sim.Right!.Value.Id));
        Assert.Equal((1, 0), (sim.Left!.Value.ColorSlot, sim.Right!.Value.ColorSlot)); // colours stay with players
        Assert.Equal(PongPhase.Playing, sim.Phase);
        Assert.Equal(sim.Tick + PongSimulation.ServeDelayTicks, sim.ServeAtTick);
    }

    [Fact]
    public void A_leave_mid_match_ends_it_and_the_other_waits_with_nil()
    {
        var sim = Rally(new PongBall(300, 200, 300, 100), leftScore: 4, rightScore: 6);

        Assert.True(sim.RemovePlayer("R"));
        Assert.False(sim.RemovePlayer("R"));
        sim.Step();

        Assert.Equal(PongPhase.Waiting, sim.Phase);
        Assert.Equal(0, sim.Left!.Value.Score);
        Assert.Equal(new PongBall(400, 250, 0, 0), sim.Ball);
    }

    /// <summary>A scripted session: two imperfect players follow the ball; joins and leaves; enough to score, end matches and restart.</summary>
    private static void Drive(PongSimulation sim, int fromTick, int steps, List<PongState> states, List<PongEvent> events)
    {
        var script = new Random(fromTick);
        for (int s = 0; s < steps; s++)
        {
            int tick = fromTick + s;
            if (tick == 5) { sim.TryAddPlayer("a"); sim.TryAddPlayer("b"); }
            if (tick == 4000) sim.RemovePlayer("a");
            if (tick == 4100) sim.TryAddPlayer("c");
            foreach (var p in new[] { sim.Left, sim.Right })
            {
                if (p is not { } paddle || script.Next(3) == 0) continue;
                double aim = sim.Ball.Y + script.Next(-60, 61) - paddle.Y;
                sim.SetInput(paddle.Id, new InputSample(true, tick, 0, (float)Math.Clamp(aim / 20, -1, 1), false));
            }
            sim.Step();
            states.Add(sim.Capture());
            events.AddRange(sim.Events);
        }
    }

    [Fact]
    public void Same_seed_and_inputs_give_the_same_states_and_events()
    {
        var (statesA, eventsA, statesB, eventsB) = (new List<PongState>(), new List<PongEvent>(), new List<PongState>(), new List<PongEvent>());

        Drive(new PongSimulation(2024), 0, 6000, statesA, eventsA);
        Drive(new PongSimulation(2024), 0, 6000, statesB, eventsB);

        Assert.Equal(statesA, statesB);
        Assert.Equal(eventsA, eventsB);
        Assert.Contains(eventsA, e => e.Kind == PongEventKind.MatchOver); // the script reaches the end of a match
        Assert.True(eventsA.Count(e => e.Kind == PongEventKind.Point) > 15);
        var other = new List<PongState>();
        Drive(new PongSimulation(2025), 0, 6000, other, []);
        Assert.NotEqual(statesA, other);
    }

    [Theory]
    [InlineData(700)]  // mid-rally
    [InlineData(3000)]
    [InlineData(4050)] // one player, waiting
    public void Capture_and_restore_continue_identically(int at)
    {
        var original = new PongSimulation(99);
        Drive(original, 0, at, [], []);
        var state = original.Capture();
        var restored = PongSimulation.Restore((PongState)KindStateSerialization.RoundTrip(state));
        Assert.Equal(state, restored.Capture());

        var (statesA, eventsA, statesB, eventsB) = (new List<PongState>(), new List<PongEvent>(), new List<PongState>(), new List<PongEvent>());
        Drive(original, at, 2000, statesA, eventsA);
        Drive(restored, at, 2000, statesB, eventsB);

        Assert.Equal(statesA, statesB);
        Assert.Equal(eventsA, eventsB);
    }

    [Fact]
    public void Restore_rejects_inconsistent_states()
    {
        var good = Rally(new PongBall(400, 250, 300, 0)).Capture();
        PongSimulation.Restore(good);

        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Tick = -1 }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Phase = PongPhase.Waiting }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Right = null }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Phase = PongPhase.Over }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Ball = new PongBall(400, 250, 1000, 0) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Ball = new PongBall(-1, 250, 300, 0) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Ball = new PongBall(400, 250, 0, 0) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { ServeAtTick = 150 }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Left = Paddle("R", 0) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Left = Paddle("L", 1) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Left = Paddle("L", 0, y: 30) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Left = Paddle("L", 0, score: 11) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Left = Paddle("", 0) }));
        Assert.Throws<ArgumentException>(() => PongSimulation.Restore(good with { Left = new PongPaddle("L", 0, 250, 0, 2, 0, 0) }));
    }
}
