using Microsoft.Extensions.Logging;

namespace Game.Grains.Rooms;

public sealed partial class RoomGrain
{
    /// <summary>Room log messages, event ids 2000–2099.</summary>
    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Information, "Room {RoomId} created by {PlayerId} (password: {Locked})")]
        public static partial void RoomCreated(ILogger logger, string roomId, string playerId, bool locked);

        [LoggerMessage(2001, LogLevel.Information, "Room {RoomId} is empty after {Ticks} ticks; it ends")]
        public static partial void RoomEmptied(ILogger logger, string roomId, long ticks);

        [LoggerMessage(2002, LogLevel.Warning, "Room {RoomId}: the input of {PlayerId} could not be read this tick")]
        public static partial void InputUnavailable(ILogger logger, Exception exception, string roomId, string playerId);

        [LoggerMessage(2003, LogLevel.Information, "Room {RoomId} deactivated with {Players} player(s) seated ({Reason}); checkpointed")]
        public static partial void DeactivatedWithPlayers(ILogger logger, string roomId, int players, string reason);

        [LoggerMessage(2007, LogLevel.Information, "Room {RoomId} is moving to another silo with {Players} player(s)")]
        public static partial void Migrating(ILogger logger, string roomId, int players);

        [LoggerMessage(2004, LogLevel.Information, "Room {RoomId} resumed from its checkpoint at tick {Tick} with {Players} player(s)")]
        public static partial void Restored(ILogger logger, string roomId, long tick, int players);

        [LoggerMessage(2005, LogLevel.Warning, "Room {RoomId}: writing the checkpoint failed; the next one retries")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception, string roomId);

        [LoggerMessage(2006, LogLevel.Warning, "Room {RoomId}: the checkpoint could not be read; the room starts afresh")]
        public static partial void CheckpointUnreadable(ILogger logger, Exception exception, string roomId);
    }
}
