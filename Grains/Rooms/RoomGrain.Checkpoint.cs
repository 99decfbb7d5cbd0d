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
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_simulation is null) return;
        var checkpoint = new RoomCheckpoint(ArenaKind, _password, _simulation.Capture(),
            [.. _seatOrder.Select(s => new SeatCheckpoint(s.Id, s.Name))], _lastTickMs);
        try
        {
            await Storage.WriteAsync(GrainId, checkpoint, cancellationToken);
            _lastCheckpointTick = _simulation.Tick;
        }
        catch (Exception ex)
        {
            // The room keeps playing; the next checkpoint tries again.
            Log.CheckpointFailed(logger, ex, GetPrimaryKeyString());
        }
    }

    private Task CheckpointIfDueAsync(CancellationToken cancellationToken)
    {
        var everyTicks = Math.Max(1, (long)(options.Value.CheckpointInterval.TotalSeconds * _rules.TickHz));
        return _simulation is not null && _simulation.Tick - _lastCheckpointTick >= everyTicks
            ? CheckpointAsync(cancellationToken)
            : Task.CompletedTask;
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
