using Game.Gateway.Connections;

namespace Game.Gateway.Tests;

/// <summary><see cref="Doorbell"/>: the send loop's single-waiter signal.</summary>
public sealed class DoorbellTests
{
    [Fact]
    public async Task A_ring_before_the_wait_completes_it_at_once_and_several_rings_count_as_one()
    {
        var bell = new Doorbell();
        bell.Ring();
        bell.Ring();
        Assert.True(bell.WaitAsync().IsCompletedSuccessfully);
        var next = bell.WaitAsync();
        Assert.False(next.IsCompleted);
        bell.Ring();
        await next.AsTask().WaitAsync(TestClient.DefaultTimeout);
    }

    [Fact]
    public void A_second_waiter_is_refused()
    {
        var bell = new Doorbell();
        _ = bell.WaitAsync();
        Assert.Throws<InvalidOperationException>(() => bell.WaitAsync());
    }

    [Fact]
    public async Task A_ring_after_new_work_is_never_lost_between_the_readers_check_and_its_wait()
    {
        // The send loop's pattern: the producer publishes work and then rings; the reader takes all work, then waits.
        var bell = new Doorbell();
        long produced = 0, consumed = 0;
        const int Items = 200_000;
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < Items; i++)
            {
                Interlocked.Increment(ref produced);
                bell.Ring();
            }
        });
        while (Interlocked.Read(ref consumed) < Items)
        {
            consumed = Interlocked.Read(ref produced);
            if (consumed < Items) await bell.WaitAsync().AsTask().WaitAsync(TestClient.DefaultTimeout);
        }
        await producer;
        Assert.Equal(Items, consumed);
    }
}
