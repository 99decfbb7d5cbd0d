using Game.Grains.Interfaces;
using Game.Grains.Rooms;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Game.Silo;

/// <summary>
/// On a graceful stop, moves every room of this silo to the other active silos with its full in-memory state (live
/// migration), before Orleans deactivates the grains. Orleans ends all of a stopping silo's activations at once (in
/// Orleans 10.4.2 it also asks the placement director where to move each: <see cref="Game.Grains.Placement.LeastRoomsPlacementDirector"/>
/// answers "nowhere" on the last silo); this moves the rooms first, in small waves, each awaited until it answers from
/// its new silo, so that no room pauses long.
/// </summary>
/// <remarks>
/// A silo lifecycle participant at <see cref="ServiceLifecycleStage.Active"/>: stages stop in reverse order, so this
/// runs before <see cref="ServiceLifecycleStage.BecomeActive"/>, where Orleans deactivates everything. Rooms go round
/// robin to the other active silos (the target is a placement hint). Rooms that have not left within
/// <see cref="Deadline"/> are deactivated by Orleans, which writes their checkpoint; they resume from it.
/// </remarks>
internal sealed partial class RoomEvacuation(
    LocalRooms rooms,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ILogger<RoomEvacuation> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long the stop waits for the rooms to leave. <value>10 seconds.</value></summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many rooms move at a time. A room ticks on until its own move starts, so moving them in small waves keeps
    /// each room's pause short (22 rooms at once on 2 cores paused up to 114 ms beyond a tick; docs/reliability.md).
    /// <value>Twice the processor count.</value>
    /// </summary>
    public static readonly int Wave = Environment.ProcessorCount * 2;

    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe(nameof(RoomEvacuation), ServiceLifecycleStage.Active, _ => Task.CompletedTask, EvacuateAsync);

    private async Task EvacuateAsync(CancellationToken cancellationToken)
    {
        // A stop that is not graceful (Orleans cancels the token at once) moves nothing: the rooms resume elsewhere
        // from their stored state, as after a crash.
        var ids = rooms.Ids();
        if (ids.Length == 0 || cancellationToken.IsCancellationRequested) return;
        var targets = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
            .Select(m => m.SiloAddress)
            .ToArray();
        if (targets.Length == 0)
        {
            Log.NowhereToGo(logger, ids.Length);
            return;
        }

        Log.Evacuating(logger, ids.Length, targets.Length);
        var started = Environment.TickCount64;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        foreach (var wave in ids.Select((id, i) => (id, target: targets[i % targets.Length])).Chunk(Wave))
        {
            if (deadline.IsCancellationRequested) break;
            await Task.WhenAll(wave.Select(r => MoveAsync(r.id, r.target, deadline.Token)));
        }
        while (rooms.Count > 0 && !deadline.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
        Log.Evacuated(logger, ids.Length - rooms.Count, ids.Length, Environment.TickCount64 - started);
    }

    /// <summary>Asks the room to move and waits until it answers from another silo (it ticks there), or the deadline.</summary>
    private async Task MoveAsync(string roomId, SiloAddress target, CancellationToken deadline)
    {
        try
        {
            var room = grains.GetGrain<IRoomGrain>(roomId);
            await room.Migrate(target);
            while (!deadline.IsCancellationRequested && await room.Locate() is { } at && at.Equals(silo.SiloAddress))
            {
                await Task.Delay(5, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            Log.MigrateFailed(logger, ex, roomId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2200, LogLevel.Information, "Silo stopping: moving {Rooms} room(s) to {Silos} other silo(s)")]
        public static partial void Evacuating(ILogger logger, int rooms, int silos);

        [LoggerMessage(2201, LogLevel.Information, "Silo stopping: {Moved} of {Rooms} room(s) moved in {ElapsedMs} ms")]
        public static partial void Evacuated(ILogger logger, int moved, int rooms, long elapsedMs);

        [LoggerMessage(2202, LogLevel.Warning, "Silo stopping: no other active silo; {Rooms} room(s) checkpoint and end")]
        public static partial void NowhereToGo(ILogger logger, int rooms);

        [LoggerMessage(2203, LogLevel.Warning, "Silo stopping: asking room {RoomId} to move failed")]
        public static partial void MigrateFailed(ILogger logger, Exception ex, string roomId);
    }
}
