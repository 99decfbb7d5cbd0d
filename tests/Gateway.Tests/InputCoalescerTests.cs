using System.Diagnostics;
using Game.Gateway.Connections;
using Game.Gateway.Feeds;
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

    /// <summary>A seat in a room of its own (its feed has no tick clock running: its inputs go at the end of the pass).</summary>
    private static RoomSeat SeatIn(RecordingRoom room, ISeatOwner? owner = null, TimeSpan lead = default)
        => new("r", new RoomFeed("r", NullLogger.Instance, lead), room, owner);

    /// <summary>A coalescer holding, for one room, Ada's input 1 and Bob's input 2, read in the pass under way.</summary>
    private static (InputCoalescer Coalescer, RoomSeat Seat, RecordingRoom Room) AdaAndBobInOnePass()
    {
        var coalescer = new InputCoalescer(NullLogger.Instance);
        var room = new RecordingRoom();
        var seat = SeatIn(room);
        coalescer.Add(seat, "ada", In(1));
        coalescer.Add(seat, "bob", In(2));
        return (coalescer, seat, room);
    }

    [Fact]
    public void A_pass_sends_one_call_per_room_with_its_inputs_in_the_order_read_and_a_lone_input_alone()
    {
        var coalescer = new InputCoalescer(NullLogger.Instance);
        var (roomA, roomB) = (new RecordingRoom(), new RecordingRoom());
        var (keyA, keyB) = (SeatIn(roomA), SeatIn(roomB));

        coalescer.Add(keyA, "ada", In(1));
        coalescer.Add(keyB, "cy", In(7));
        coalescer.Add(keyA, "bob", In(4, vx: -1));
        coalescer.Add(keyA, "ada", In(2));
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
        coalescer.Add(keyB, "cy", In(8));
        coalescer.Add(keyB, "dee", In(3));
        coalescer.OnPassEnd();
        Assert.Single(roomA.Batches);
        Assert.Equal(["cy", "dee"], Assert.Single(roomB.Batches).PlayerIds);
        Assert.Single(roomB.Singles);
    }

    [Fact]
    public void A_batchs_arrays_are_its_own_and_not_reused_by_later_passes()
    {
        var (coalescer, seat, room) = AdaAndBobInOnePass();
        coalescer.OnPassEnd();
        coalescer.Add(seat, "cy", In(3));
        coalescer.Add(seat, "dee", In(4));
        coalescer.OnPassEnd();

        Assert.Equal(["ada", "bob"], room.Batches[0].PlayerIds);
        Assert.Equal([In(1), In(2)], room.Batches[0].Inputs);
        Assert.Equal(["cy", "dee"], room.Batches[1].PlayerIds);
    }

    [Fact]
    public void Flush_sends_what_the_pass_gathered_so_far_and_the_pass_end_sends_only_what_came_after()
    {
        var (coalescer, seat, room) = AdaAndBobInOnePass();
        coalescer.Flush(); // a connection ending mid-pass, before it reports the drop
        Assert.Equal(["ada", "bob"], Assert.Single(room.Batches).PlayerIds);

        coalescer.Add(seat, "cy", In(3));
        coalescer.OnPassEnd();
        Assert.Single(room.Batches);
        Assert.Equal([("cy", In(3))], room.Singles);
    }

    /// <summary>A connection whose current seat the test sets; it counts a seat it gives up, as PlayerConnection does.</summary>
    private sealed class Owner : ISeatOwner
    {
        private RoomSeat? _seat;

        public RoomSeat? SeatOnLoop
        {
            get => _seat;
            set
            {
                var previous = _seat;
                _seat = value;
                if (previous is not null && !ReferenceEquals(previous, value)) RoomSeat.NoteGivenUp();
            }
        }
    }

    private static readonly long Period = Stopwatch.Frequency / 20; // 20 Hz
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(6);
    private static readonly long LeadTicks = Stopwatch.Frequency * 6 / 1000;
    private static long Ms(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    /// <summary>
    /// A coalescer on a clock the test sets (<see cref="Now"/>), and a room whose feed has seen ticks 1–4 arrive exactly one
    /// period apart, the last at <see cref="T4"/>: its next tick is due one period later, so inputs may be held until
    /// <see cref="Due"/>, the lead before it.
    /// </summary>
    private sealed class TickingRoom
    {
        public static readonly long T4 = 1_000 * Stopwatch.Frequency;
        public long Now = T4 + Ms(1);
        public readonly RecordingRoom Room = new();
        public readonly RoomFeed Feed = new("r", NullLogger.Instance, Lead);
        public readonly InputCoalescer Coalescer;

        public TickingRoom()
        {
            Coalescer = new InputCoalescer(NullLogger.Instance, () => Now);
            Feed.Clock.SetTickRate(20);
            for (var tick = 1; tick <= 4; tick++) Feed.Clock.OnSnapshot(T4 - (4 - tick) * Period, tick);
            Assert.Equal(Due, Feed.Clock.HoldUntil);
        }

        public long Due => T4 + Period - LeadTicks;

        /// <summary>A seat in the room, of <paramref name="owner"/> (null: always current).</summary>
        public RoomSeat Seat(ISeatOwner? owner = null) => new("r", Feed, Room, owner);
    }

    [Fact]
    public void Inputs_read_early_in_a_tick_wait_until_the_lead_before_the_next_tick_and_go_in_one_call()
    {
        var held = new TickingRoom();
        var (coalescer, room, seat) = (held.Coalescer, held.Room, held.Seat());

        coalescer.Add(seat, "ada", In(1));
        held.Now += Ms(10);
        coalescer.Add(seat, "bob", In(2));
        coalescer.OnPassEnd();
        Assert.Equal(held.Due, coalescer.NextDue); // the loop's wait ends by then
        held.Now = held.Due - 1;
        coalescer.OnPassEnd();
        Assert.Empty(room.Batches);
        Assert.Empty(room.Singles);

        held.Now = held.Due;
        coalescer.OnPassEnd();
        var batch = Assert.Single(room.Batches);
        Assert.Equal(["ada", "bob"], batch.PlayerIds);
        Assert.Equal([In(1), In(2)], batch.Inputs);
        Assert.Equal(0, coalescer.NextDue);

        // Read after that moment: it goes when its pass ends, alone, so that it still reaches the tick.
        held.Now = held.Due + Ms(1);
        coalescer.Add(seat, "ada", In(3));
        coalescer.OnPassEnd();
        Assert.Equal([("ada", In(3))], room.Singles);
        Assert.Single(room.Batches);
    }

    [Fact]
    public void A_held_input_of_a_seat_given_up_is_dropped_and_the_rooms_other_inputs_still_go()
    {
        var held = new TickingRoom();
        var (ada, bob) = (new Owner(), new Owner());
        var (adaSeat, bobSeat) = (held.Seat(ada), held.Seat(bob));
        (ada.SeatOnLoop, bob.SeatOnLoop) = (adaSeat, bobSeat);

        held.Coalescer.Add(adaSeat, "ada", In(1));
        held.Coalescer.Add(bobSeat, "bob", In(2));
        held.Coalescer.Add(adaSeat, "ada", In(3));
        ada.SeatOnLoop = null; // Ada left (or is leaving, or her connection ended off the loop's thread)
        held.Now = held.Due;
        held.Coalescer.OnPassEnd();

        Assert.Empty(held.Room.Batches);
        Assert.Equal([("bob", In(2))], held.Room.Singles);
    }

    [Fact]
    public void A_held_input_of_a_seat_whose_leave_began_is_dropped()
    {
        var held = new TickingRoom();
        var ada = new LeavingOwner();
        var bob = new LeavingOwner();
        ada.Seat = held.Seat(ada);
        bob.Seat = held.Seat(bob);

        held.Coalescer.Add(ada.Seat, "ada", In(1));
        held.Coalescer.Add(bob.Seat, "bob", In(2));
        var before = RoomSeat.GivenUpCount;
        ada.Seat.Leaving = true; // what PlayerConnection's leave does first, under its room lock
        Assert.True(RoomSeat.GivenUpCount > before, "a leave that begins counts its seat as given up");
        held.Now = held.Due;
        held.Coalescer.OnPassEnd();

        Assert.Equal([("bob", In(2))], held.Room.Singles);
    }

    /// <summary>A connection whose seat is current while no leave of it is under way, as PlayerConnection's.</summary>
    private sealed class LeavingOwner : ISeatOwner
    {
        public RoomSeat Seat = null!;

        public RoomSeat? SeatOnLoop => Seat is { Leaving: false } seat ? seat : null;
    }

    [Fact]
    public void Flush_sends_held_inputs_at_once()
    {
        var held = new TickingRoom();
        var seat = held.Seat();
        held.Coalescer.Add(seat, "ada", In(1));
        held.Coalescer.Add(seat, "bob", In(2));
        held.Coalescer.OnPassEnd();
        Assert.Empty(held.Room.Batches);

        held.Coalescer.Flush(); // a connection ending on the loop's thread, before it reports the drop
        Assert.Equal(["ada", "bob"], Assert.Single(held.Room.Batches).PlayerIds);
        Assert.Equal(0, held.Coalescer.NextDue);
        held.Now = TickingRoom.T4 + Period;
        held.Coalescer.OnPassEnd();
        Assert.Single(held.Room.Batches); // nothing twice
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
