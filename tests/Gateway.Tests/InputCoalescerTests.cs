using Game.Gateway.Connections;
using Game.Grains.Interfaces;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace Game.Gateway.Tests;

public sealed class InputCoalescerTests
{
    /// <summary>A room that records the input calls it gets (nothing else is called by the coalescer).</summary>
    private sealed class RecordingRoom : IRoomGrain
    {
        public List<(string PlayerId, PlayerInput Input)> Singles { get; } = [];
        public List<InputBatch> Batches { get; } = [];

        public Task Input(string playerId, PlayerInput input)
        {
            Singles.Add((playerId, input));
            return Task.CompletedTask;
        }

        public Task Inputs(InputBatch batch)
        {
            Batches.Add(batch);
            return Task.CompletedTask;
        }

        public Task<JoinResult> Join(JoinRequest request) => throw new NotSupportedException();
        public Task Leave(string playerId) => throw new NotSupportedException();
        public Task StopMoving(string playerId) => throw new NotSupportedException();
        public Task<RoomReply?> Message(string playerId, KindMessage message) => throw new NotSupportedException();
        public Task<ErrorCode?> Chat(string playerId, string text) => throw new NotSupportedException();
        public Task Migrate(SiloAddress? target) => throw new NotSupportedException();
        public Task<SiloAddress?> Locate() => throw new NotSupportedException();
        public Task<RoomSummary> Describe() => throw new NotSupportedException();
    }

    private static PlayerInput In(long seq, float vx = 1) => new(seq, seq * 50, vx, 0, false);

    /// <summary>A coalescer holding, for one room, Ada's input 1 and Bob's input 2, read in the pass under way.</summary>
    private static (InputCoalescer Coalescer, object Key, RecordingRoom Room) AdaAndBobInOnePass()
    {
        var coalescer = new InputCoalescer(NullLogger.Instance);
        var key = new object();
        var room = new RecordingRoom();
        coalescer.Add(key, room, "ada", In(1));
        coalescer.Add(key, room, "bob", In(2));
        return (coalescer, key, room);
    }

    [Fact]
    public void A_pass_sends_one_call_per_room_with_its_inputs_in_the_order_read_and_a_lone_input_alone()
    {
        var coalescer = new InputCoalescer(NullLogger.Instance);
        var (keyA, keyB) = (new object(), new object());
        var (roomA, roomB) = (new RecordingRoom(), new RecordingRoom());

        coalescer.Add(keyA, roomA, "ada", In(1));
        coalescer.Add(keyB, roomB, "cy", In(7));
        coalescer.Add(keyA, roomA, "bob", In(4, vx: -1));
        coalescer.Add(keyA, roomA, "ada", In(2));
        Assert.Empty(roomA.Batches); // nothing leaves before the pass ends
        Assert.Empty(roomB.Singles);
        coalescer.OnPassEnd();

        var batch = Assert.Single(roomA.Batches);
        Assert.Equal(["ada", "bob", "ada"], batch.PlayerIds);
        Assert.Equal([In(1), In(4, vx: -1), In(2)], batch.Inputs);
        Assert.Empty(roomA.Singles);
        Assert.Equal([("cy", In(7))], roomB.Singles);
        Assert.Empty(roomB.Batches);

        // The next pass starts empty: nothing is sent twice, and a room's entry is taken afresh.
        coalescer.OnPassEnd();
        coalescer.Add(keyB, roomB, "cy", In(8));
        coalescer.Add(keyB, roomB, "dee", In(3));
        coalescer.OnPassEnd();
        Assert.Single(roomA.Batches);
        Assert.Equal(["cy", "dee"], Assert.Single(roomB.Batches).PlayerIds);
        Assert.Single(roomB.Singles);
    }

    [Fact]
    public void A_batchs_arrays_are_its_own_and_not_reused_by_later_passes()
    {
        var (coalescer, key, room) = AdaAndBobInOnePass();
        coalescer.OnPassEnd();
        coalescer.Add(key, room, "cy", In(3));
        coalescer.Add(key, room, "dee", In(4));
        coalescer.OnPassEnd();

        Assert.Equal(["ada", "bob"], room.Batches[0].PlayerIds);
        Assert.Equal([In(1), In(2)], room.Batches[0].Inputs);
        Assert.Equal(["cy", "dee"], room.Batches[1].PlayerIds);
    }

    [Fact]
    public void Flush_sends_what_the_pass_gathered_so_far_and_the_pass_end_sends_only_what_came_after()
    {
        var (coalescer, key, room) = AdaAndBobInOnePass();
        coalescer.Flush(); // a connection ending mid-pass, before it reports the drop
        Assert.Equal(["ada", "bob"], Assert.Single(room.Batches).PlayerIds);

        coalescer.Add(key, room, "cy", In(3));
        coalescer.OnPassEnd();
        Assert.Single(room.Batches);
        Assert.Equal([("cy", In(3))], room.Singles);
    }

    [Fact]
    public void Current_is_the_loop_threads_coalescer_and_null_elsewhere()
    {
        var coalescer = new InputCoalescer(NullLogger.Instance);
        InputCoalescer? seen = null;
        var thread = new Thread(() =>
        {
            coalescer.OnLoopStarted();
            seen = InputCoalescer.Current;
        });
        thread.Start();
        thread.Join();
        Assert.Same(coalescer, seen);
        Assert.Null(InputCoalescer.Current);
    }
}
