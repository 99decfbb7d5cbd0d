using Game.Grains.Arena;
using Game.Grains.Interfaces;
using static Game.Grains.Tests.Arena.ArenaTestKit;

namespace Game.Grains.Tests.Arena;

public sealed class ArenaMovementTests
{
    private const float Tolerance = 1e-3f;

    [Fact]
    public void Full_input_moves_speed_over_tick_rate_per_step_and_reports_velocity()
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        Move(sim, "a", 1, 0);

        sim.Step();

        ArenaPlayerState a = Get(sim, "a");
        Assert.Equal(510f, a.X, Tolerance); // 200 units/s ÷ 20 Hz
        Assert.Equal(500f, a.Y, Tolerance);
        Assert.Equal(200f, a.Vx, Tolerance);
        Assert.Equal(0f, a.Vy, Tolerance);
    }

    [Fact]
    public void Diagonal_input_is_scaled_to_length_one_so_a_step_covers_exactly_ten_units()
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        Move(sim, "a", 1, 1);

        sim.Step();

        ArenaPlayerState a = Get(sim, "a");
        float dx = a.X - 500f, dy = a.Y - 500f;
        Assert.Equal(10f, MathF.Sqrt(dx * dx + dy * dy), Tolerance);
        Assert.Equal(10f / MathF.Sqrt(2f), dx, Tolerance);
        Assert.Equal(dx, dy);
        Assert.Equal(200f, MathF.Sqrt(a.Vx * a.Vx + a.Vy * a.Vy), Tolerance);
    }

    [Theory]
    [InlineData(0.5f, 0f, 5f, 0f)]     // half stick: half speed
    [InlineData(0.3f, -0.4f, 3f, -4f)] // length 0.5 kept as is
    [InlineData(0.6f, 0.8f, 6f, 8f)]   // length exactly 1
    [InlineData(-1f, 0.25f, -9.7014f, 2.4254f)] // longer than 1: scaled to length 1
    [InlineData(5f, 0f, 10f, 0f)]      // out-of-range component clamped to 1
    public void Analog_input_shorter_than_one_is_kept_and_longer_is_scaled(float ix, float iy, float expectedDx, float expectedDy)
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        Move(sim, "a", ix, iy);

        sim.Step();

        ArenaPlayerState a = Get(sim, "a");
        Assert.Equal(500f + expectedDx, a.X, Tolerance);
        Assert.Equal(500f + expectedDy, a.Y, Tolerance);
        Assert.Equal(expectedDx * 20f, a.Vx, 0.01f);
        Assert.Equal(expectedDy * 20f, a.Vy, 0.01f);
    }

    [Fact]
    public void Direction_is_held_until_the_next_input_and_ack_is_the_last_seq()
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        sim.SetInput("a", new InputSample(true, 7, 1, 0, false));

        Steps(sim, 3);
        Assert.Equal(530f, Get(sim, "a").X, Tolerance);
        Assert.Equal(7, Get(sim, "a").Ack);

        sim.SetInput("a", new InputSample(false, 99, -1, 0, false)); // no input this tick: ignored
        sim.Step();
        Assert.Equal(540f, Get(sim, "a").X, Tolerance);
        Assert.Equal(7, Get(sim, "a").Ack);

        sim.SetInput("a", new InputSample(true, 8, 0, 0, false));
        sim.Step();
        Assert.Equal(540f, Get(sim, "a").X, Tolerance);
        Assert.Equal(0f, Get(sim, "a").Vx);
        Assert.Equal(8, Get(sim, "a").Ack);
    }

    [Fact]
    public void Clear_input_stops_the_player()
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        Move(sim, "a", 0, 1);
        sim.Step();

        sim.ClearInput("a");
        Steps(sim, 5);

        Assert.Equal(510f, Get(sim, "a").Y, Tolerance);
        Assert.Equal(0f, Get(sim, "a").Vy);
    }

    [Fact]
    public void Input_for_an_unseated_player_is_ignored()
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        sim.SetInput("ghost", new InputSample(true, 1, 1, 0, true));
        sim.ClearInput("ghost");

        sim.Step();

        Assert.Equal(500f, Get(sim, "a").X);
        Assert.Empty(Events(sim));
    }

    [Fact]
    public void Non_finite_input_counts_as_zero()
    {
        ArenaSimulation sim = Place(("a", 500, 500));
        Move(sim, "a", float.NaN, float.PositiveInfinity);

        sim.Step();

        Assert.Equal(500f, Get(sim, "a").X);
        Assert.Equal(500f, Get(sim, "a").Y);
    }

    [Theory]
    [InlineData(5f, 500f, -1f, 0f, 0f, 500f)]    // left wall
    [InlineData(995f, 500f, 1f, 0f, 1000f, 500f)] // right wall
    [InlineData(500f, 5f, 0f, -1f, 500f, 0f)]    // top wall (y = 0)
    [InlineData(500f, 995f, 0f, 1f, 500f, 1000f)] // bottom wall (y = height)
    public void Positions_are_clamped_at_every_wall_and_velocity_is_zero_against_it(float x, float y, float ix, float iy, float wallX, float wallY)
    {
        ArenaSimulation sim = Place(("a", x, y));
        Move(sim, "a", ix, iy);

        sim.Step(); // 5 units to the wall, then stopped: 5 units in 50 ms = 100 units/s
        ArenaPlayerState a = Get(sim, "a");
        Assert.Equal(wallX, a.X);
        Assert.Equal(wallY, a.Y);
        Assert.Equal(100f, MathF.Abs(a.Vx + a.Vy), Tolerance);

        Steps(sim, 10);
        a = Get(sim, "a");
        Assert.Equal(wallX, a.X);
        Assert.Equal(wallY, a.Y);
        Assert.Equal(0f, a.Vx);
        Assert.Equal(0f, a.Vy);
    }

    [Fact]
    public void Sliding_along_a_wall_keeps_the_free_axis_moving()
    {
        ArenaSimulation sim = Place(("a", 0, 500));
        Move(sim, "a", -1, 1);

        sim.Step();

        ArenaPlayerState a = Get(sim, "a");
        Assert.Equal(0f, a.X);
        Assert.Equal(0f, a.Vx);
        Assert.Equal(500f + 10f / MathF.Sqrt(2f), a.Y, Tolerance);
        Assert.Equal(200f / MathF.Sqrt(2f), a.Vy, Tolerance);
    }

    [Fact]
    public void Clock_advances_fifty_ms_per_step_at_twenty_hz()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 1);
        Assert.Equal(0, sim.Tick);
        Assert.Equal(0, sim.TimeMs);

        Steps(sim, 3);

        Assert.Equal(3, sim.Tick);
        Assert.Equal(150, sim.TimeMs);
    }
}
