using System.Collections.Immutable;
using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Game.Runtime;

namespace Game.Grains.Rooms;

public sealed partial class RoomGrain
{
    private long _lastTickMs;

    // Reused by every tick (ticks never overlap); resized when the number of seats changes.
    private Task<InputSample>[] _takes = [];

    private void StartTicking()
    {
        if (_tickTimer is not null) return;
        var period = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / _rules.TickHz);
        // A turn per tick (never overlapping calls or each other); KeepAlive: a room with players is never idle.
        _tickTimer = RegisterGrainTimer(static (room, ct) => room.TickAsync(ct), this,
            new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    /// <summary>
    /// One tick: take each seated player's newest input, step the simulation, publish its events and the
    /// snapshot. Arena rules (tick order): shared protocol.md.
    /// </summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var simulation = _simulation;
        var seats = _seatOrder;
        if (simulation is null || seats.Length == 0) return;

        // Players are placed with their room: their input buffers are usually in this silo and are read directly.
        // A player elsewhere (it has not followed the room yet) is asked over the network.
        if (_takes.Length != seats.Length) _takes = new Task<InputSample>[seats.Length];
        var takes = _takes;
        for (var i = 0; i < seats.Length; i++)
        {
            takes[i] = inputs.TryGet(seats[i].Id, out var local) ? Task.FromResult(local.Take()) : seats[i].Player.TakeInput();
        }
        for (var i = 0; i < seats.Length; i++)
        {
            InputSample input;
            try
            {
                input = await takes[i];
            }
            catch (Exception ex)
            {
                // A player whose input cannot be read keeps its last direction; the room keeps ticking.
                Log.InputUnavailable(logger, ex, GetPrimaryKeyString(), seats[i].Id);
                continue;
            }
            simulation.SetInput(seats[i].Id, input);
        }

        simulation.Step();
        for (var i = 0; i < simulation.Events.Length; i++)
        {
            var e = simulation.Events[i];
            RoomEvent? roomEvent = e.Kind switch
            {
                ArenaEventKind.Attacked => new PlayerAttackedEvent(e.Target, e.By, e.Hp),
                ArenaEventKind.Killed => new PlayerKilledEvent(e.Target, e.By),
                _ => null, // a respawn shows in the snapshot (full hp, new position)
            };
            if (roomEvent is not null) await _stream.OnNextAsync(roomEvent);
        }

        var players = simulation.Players;
        var snapshot = ImmutableArray.CreateBuilder<PlayerSnapshot>(players.Length);
        foreach (ref readonly var p in players) snapshot.Add(p.ToSnapshot());
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Server time never goes backwards in snapshots, even if the wall clock is stepped back.
        _lastTickMs = Math.Max(now, _lastTickMs);
        await _stream.OnNextAsync(new RoomSnapshot(GetPrimaryKeyString(), _lastTickMs, simulation.Tick, snapshot.MoveToImmutable()));
        await CheckpointIfDueAsync(cancellationToken);
    }
}
