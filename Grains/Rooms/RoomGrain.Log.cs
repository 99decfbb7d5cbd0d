using Microsoft.Extensions.Logging;

namespace Game.Grains.Rooms;

public sealed partial class RoomGrain
{
    /// <summary>Room log messages, event ids 2000–2099.</summary>
    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Information, "Room {RoomId} ({Kind}) created by {PlayerId} (password: {Locked})")]
        public static partial void RoomCreated(ILogger logger, string roomId, string kind, string playerId, bool locked);

        [LoggerMessage(2001, LogLevel.Information, "Room {RoomId} is empty; it ends")]
        public static partial void RoomEmptied(ILogger logger, string roomId);

        [LoggerMessage(2003, LogLevel.Information, "Room {RoomId} deactivated with {Players} player(s) seated ({Reason}); checkpointed")]
        public static partial void DeactivatedWithPlayers(ILogger logger, string roomId, int players, string reason);

        [LoggerMessage(2004, LogLevel.Information, "Room {RoomId} ({Kind}) resumed with {Players} player(s), from {Source}")]
        public static partial void Restored(ILogger logger, string roomId, string kind, int players, string source);

        [LoggerMessage(2005, LogLevel.Warning, "Room {RoomId}: writing the checkpoint failed ({Count} time(s) since the last such line); the next one retries")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception, string roomId, long count);

        [LoggerMessage(2006, LogLevel.Warning, "Room {RoomId}: the checkpoint could not be read; the room starts afresh")]
        public static partial void CheckpointUnreadable(ILogger logger, Exception exception, string roomId);

        [LoggerMessage(2007, LogLevel.Information, "Room {RoomId} is moving to another silo ({Target}) with {Players} player(s)")]
        public static partial void Migrating(ILogger logger, string roomId, int players, string target);

        [LoggerMessage(2008, LogLevel.Warning, "Room {RoomId}: another activation wrote the room's state since this one did (this silo was cut off); this activation stops")]
        public static partial void StaleActivation(ILogger logger, Exception exception, string roomId);

        [LoggerMessage(2009, LogLevel.Debug, "Room {RoomId}: a wrong password was given")]
        public static partial void WrongPassword(ILogger logger, string roomId);

        [LoggerMessage(2010, LogLevel.Information, "Room {RoomId}: resumed from storage with player {PlayerId} seated, whose session is no longer here; the seat is freed")]
        public static partial void GhostSeatFreed(ILogger logger, string roomId, string playerId);
    }
}
