using Game.Grains.Interfaces;
using Game.Grains.Rooms;

namespace Game.Grains.Tests;

public sealed class InputBufferTests
{
    [Fact]
    public void The_newest_input_wins_an_attack_in_between_is_kept_and_a_take_clears()
    {
        var buffer = new InputBuffer();
        buffer.Submit(new PlayerInput(1, 0, 1, 0, Attack: true));
        buffer.Submit(new PlayerInput(2, 0, 0, -1, Attack: false));

        Assert.Equal(new InputSample(true, 2, 0, -1, true), buffer.Take());
        Assert.False(buffer.Take().HasInput);
    }

    [Fact]
    public void Stale_inputs_are_ignored_until_a_reset()
    {
        var buffer = new InputBuffer();
        buffer.Submit(new PlayerInput(5, 0, 1, 0, false));
        buffer.Take();
        buffer.Submit(new PlayerInput(5, 0, -1, 0, false));
        buffer.Submit(new PlayerInput(3, 0, -1, 0, false));
        Assert.False(buffer.Take().HasInput);

        buffer.Reset(); // a new connection numbers from 1 again
        buffer.Submit(new PlayerInput(1, 0, 0, 1, false));
        Assert.Equal(new InputSample(true, 1, 0, 1, false), buffer.Take());
    }

    [Fact]
    public void Stopping_gives_a_zero_input_with_the_last_seq()
    {
        var buffer = new InputBuffer();
        buffer.Submit(new PlayerInput(9, 0, 1, 1, false));
        buffer.Take();
        buffer.StopMoving();
        Assert.Equal(new InputSample(true, 9, 0, 0, false), buffer.Take());
    }
}
