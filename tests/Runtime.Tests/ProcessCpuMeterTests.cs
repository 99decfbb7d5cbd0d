using Game.Runtime.Membership;

namespace Game.Runtime.Tests;

public sealed class ProcessCpuMeterTests
{
    [Fact]
    public void Reports_cpu_time_over_wall_time_since_the_previous_reading_in_percent_of_one_core()
    {
        var clock = new ManualTimeProvider();
        var cpu = TimeSpan.FromSeconds(10);
        var meter = new ProcessCpuMeter(clock, () => cpu);

        clock.Advance(TimeSpan.FromSeconds(1));
        cpu += TimeSpan.FromMilliseconds(1500); // one and a half cores busy
        Assert.Equal(150, meter.Read(), precision: 6);

        clock.Advance(TimeSpan.FromSeconds(2));
        cpu += TimeSpan.FromMilliseconds(500);
        Assert.Equal(25, meter.Read(), precision: 6);

        Assert.Equal(0, meter.Read()); // no wall time passed
    }

    [Fact]
    public void The_real_process_reading_sees_cpu_burnt_on_a_thread()
    {
        var meter = new ProcessCpuMeter(TimeProvider.System);
        var until = Environment.TickCount64 + 200;
        var x = 0UL;
        while (Environment.TickCount64 < until) x = x * 6364136223846793005UL + 1; // burn ~200 ms of CPU
        Assert.NotEqual(0UL, x);
        Assert.True(meter.Read() > 0, "200 ms of busy loop left no trace in the process's CPU time");
    }
}
