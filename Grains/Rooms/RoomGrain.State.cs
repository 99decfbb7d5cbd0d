using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Game.Streaming;

namespace Game.Grains.Rooms;

public sealed partial class RoomGrain
{
    private const string MigrationKey = "game.room";
    private const string StreamKey = "game.room.stream";

    private readonly Diagnostics.RepeatedFailure _checkpointFailures = new();

    // The room changed since its last checkpoint (a tick, a kind message).
    private bool _dirty;

    // Set when a write found a newer ETag in storage: another activation of this room has written since (this silo was
    // frozen and declared dead, and the room resumed elsewhere). This activation then neither ticks nor writes again.
    private bool _stale;

    /// <summary>
    /// Takes the room's memory from <paramref name="checkpoint"/> (what storage or a migration held): the kind and its
    /// rules' state, seats with their waiting inputs, the password's hash (a clear password of an older checkpoint is hashed here) and last
    /// snapshot time. An empty or unreadable checkpoint
    /// leaves the room empty (a join creates it).
    /// </summary>
    private void Restore(RoomCheckpoint checkpoint, bool fromMigration)
    {
        if (checkpoint.State is null || checkpoint.Seats.IsDefaultOrEmpty) return;
        if (!kinds.TryGet(checkpoint.Kind, out var kind))
        {
            Log.CheckpointUnreadable(logger, new ArgumentException($"No room kind '{checkpoint.Kind}' on this silo."), RoomId);
            return;
        }
        try
        {
            _rules = kind.Restore(checkpoint.State);
        }
        catch (ArgumentException ex)
        {
            // E.g. the checkpoint was written under other settings: start the room afresh.
            Log.CheckpointUnreadable(logger, ex, RoomId);
            return;
        }
        _kind = kind;
        _password = checkpoint.PasswordHash ?? (string.IsNullOrEmpty(checkpoint.LegacyPassword) ? null : PasswordHash.Create(checkpoint.LegacyPassword));
        _lastTickMs = checkpoint.LastTickMs;
        foreach (var saved in checkpoint.Seats)
        {
            var seat = new Seat(saved.Id, saved.Name, saved.Number);
            _lastSeatNumber = Math.Max(_lastSeatNumber, saved.Number);
            seat.Input.Memory = saved.Input;
            _seats.Add(seat.Id, seat);
        }
        _seatOrder = [.. _seats.Values];
        Log.Restored(logger, RoomId, kind.Name, _seats.Count, fromMigration ? "live migration" : "storage");
    }

    /// <summary>The room's memory as a checkpoint (for storage and for a live migration).</summary>
    private RoomCheckpoint Capture() => new()
    {
        Kind = _kind?.Name ?? "",
        PasswordHash = _password,
        State = _rules?.Capture(),
        Seats = [.. _seatOrder.Select(s => new SeatCheckpoint(s.Id, s.Name, s.Input.Memory, s.Number))],
        LastTickMs = _lastTickMs,
    };

    /// <summary>Writes the checkpoint (after joins and leaves, every <see cref="ArenaOptions.CheckpointInterval"/> while the room changes, and before the activation ends).</summary>
    /// <returns>False if the write failed (logged; the room keeps playing and the next checkpoint tries again).</returns>
    private async Task<bool> CheckpointAsync()
    {
        if (_rules is null || _stale) return true;
        state.State = Capture();
        _dirty = false;
        try
        {
            await state.WriteStateAsync();
            return true;
        }
        catch (InconsistentStateException ex)
        {
            BecomeStale(ex);
            return false;
        }
        catch (Exception ex)
        {
            _dirty = true;
            if (_checkpointFailures.ShouldLog(time, out var count)) Log.CheckpointFailed(logger, ex, RoomId, count);
            return false;
        }
    }

    private Task CheckpointIfDirtyAsync() => _dirty && options.Value.PeriodicCheckpoints ? CheckpointAsync() : Task.CompletedTask;

    /// <summary>
    /// Another activation of this room wrote its state after this one last read or wrote it: this one is a leftover of
    /// a silo that was cut off (frozen, partitioned) and declared dead. It stops ticking at once and ends without
    /// writing; the live activation elsewhere owns the room.
    /// </summary>
    private void BecomeStale(InconsistentStateException ex)
    {
        _stale = true;
        StopTimers();
        Log.StaleActivation(logger, ex, RoomId);
        DeactivateOnIdle();
    }

    /// <summary>The final checkpoint of an activation that ends with players: retried (5 attempts, 100 ms apart), because resuming from an older one would replay play and acknowledged inputs.</summary>
    private async Task FinalCheckpointAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 5 && !cancellationToken.IsCancellationRequested && !_stale; attempt++)
        {
            if (await CheckpointAsync()) return;
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Current);
        }
    }

    /// <summary>Deletes the state of a room that ended, so that a room id used again starts a fresh room.</summary>
    private async Task ClearStateAsync()
    {
        try
        {
            await state.ClearStateAsync();
        }
        catch (InconsistentStateException ex)
        {
            BecomeStale(ex);
        }
        catch (Exception ex)
        {
            if (_checkpointFailures.ShouldLog(time, out var count)) Log.CheckpointFailed(logger, ex, RoomId, count);
        }
    }

    /// <inheritdoc />
    /// <remarks>Live migration: the whole room (not only the last checkpoint) goes to the next activation, which resumes at the next tick.</remarks>
    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (_rules is null || _stale) return;
        dehydrationContext.TryAddValue(MigrationKey, Capture());
        // The room's place in its stream goes along: its first tick on the next silo reaches the gateways at once, and
        // in order after its last one here.
        if (_stream is IPushStreamHandover handover && handover.HandOver() is { } place)
        {
            dehydrationContext.TryAddValue(StreamKey, place);
        }
    }

    /// <inheritdoc />
    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue<RoomCheckpoint>(MigrationKey, out var memory) && memory is not null)
        {
            Restore(memory, fromMigration: true);
        }
        if (rehydrationContext.TryGetValue<PushStreamHandoverState>(StreamKey, out var place) && place is not null
            && Stream() is IPushStreamHandover handover)
        {
            handover.TakeOver(place);
        }
    }
}
