using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Game.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Game.Grains.Rooms;

public sealed partial class RoomGrain
{
    private long _lastCheckpointTick;

    private Runtime.Storage.IGrainStorage Storage => ServiceProvider.GetRequiredService<Runtime.Storage.IGrainStorage>();

    /// <summary>Resumes from the room's checkpoint if it has one with players (the room moved or its silo died).</summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        RoomCheckpoint? checkpoint;
        try
        {
            checkpoint = await Storage.ReadAsync<RoomCheckpoint>(GrainId, cancellationToken);
        }
        catch (Exception ex)
        {
            Log.CheckpointUnreadable(logger, ex, GetPrimaryKeyString());
            return;
        }
        if (checkpoint is null || checkpoint.Seats.IsDefaultOrEmpty) return;

        try
        {
            _simulation = ArenaSimulation.Restore(_rules, checkpoint.Arena);
        }
        catch (ArgumentException ex)
        {
            // E.g. the checkpoint was written under other arena settings: start the room afresh.
            Log.CheckpointUnreadable(logger, ex, GetPrimaryKeyString());
            return;
        }
        _password = checkpoint.Password;
        _lastTickMs = checkpoint.LastTickMs;
        foreach (var seat in checkpoint.Seats)
        {
            var s = new Seat(seat.Id, seat.Name, GrainFactory.GetGrain<IPlayerGrain>(seat.Id));
            _seats.Add(s.Id, s);
        }
        _seatOrder = [.. _seats.Values];
        _lastCheckpointTick = _simulation.Tick;
        Log.Restored(logger, GetPrimaryKeyString(), _simulation.Tick, _seats.Count);
        StartTicking();
        // The room may have moved: its players follow it, so its tick reads their inputs locally again.
        foreach (var seat in _seatOrder) _ = seat.Player.FollowRoom();
    }

    /// <summary>Writes the checkpoint (after joins and leaves, every <see cref="ArenaOptions.CheckpointInterval"/>, and before the activation ends).</summary>
    /// <returns>False if the write failed (logged; the room keeps playing and the next checkpoint tries again).</returns>
    private async Task<bool> CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_simulation is null) return true;
        var checkpoint = new RoomCheckpoint(ArenaKind, _password, _simulation.Capture(),
            [.. _seatOrder.Select(s => new SeatCheckpoint(s.Id, s.Name))], _lastTickMs);
        try
        {
            await Storage.WriteAsync(GrainId, checkpoint, cancellationToken);
            _lastCheckpointTick = _simulation.Tick;
            return true;
        }
        catch (Exception ex)
        {
            Log.CheckpointFailed(logger, ex, GetPrimaryKeyString());
            return false;
        }
    }

    /// <summary>
    /// The checkpoint a moving room resumes from: retried (5 attempts, 100 ms apart, within the deactivation timeout),
    /// because resuming from an older one would replay play and acknowledged inputs.
    /// </summary>
    private async Task FinalCheckpointAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 5 && !cancellationToken.IsCancellationRequested; attempt++)
        {
            if (await CheckpointAsync(cancellationToken)) return;
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Current);
        }
    }

    private Task<bool> CheckpointIfDueAsync(CancellationToken cancellationToken)
    {
        var everyTicks = Math.Max(1, (long)(options.Value.CheckpointInterval.TotalSeconds * _rules.TickHz));
        return _simulation is not null && _simulation.Tick - _lastCheckpointTick >= everyTicks
            ? CheckpointAsync(cancellationToken)
            : Task.FromResult(true);
    }

    private async Task ClearCheckpointAsync()
    {
        try
        {
            await Storage.ClearAsync(GrainId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.CheckpointFailed(logger, ex, GetPrimaryKeyString());
        }
    }
}
