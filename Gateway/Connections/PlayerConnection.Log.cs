using Game.Grains.Interfaces;
using Game.Protocol;
using Microsoft.Extensions.Logging;

namespace Game.Gateway.Connections;

/// <summary>Log messages of <see cref="PlayerConnection"/> (event ids 1000–1099).</summary>
internal sealed partial class PlayerConnection
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: WebSocket opened")]
        public static partial void Opened(ILogger logger, string connectionId);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Connection {ConnectionId}: player {PlayerId} welcomed (resumed: {Resumed}, encoding: {Encoding})")]
        public static partial void Welcomed(ILogger logger, string connectionId, string playerId, bool resumed, WireEncoding encoding);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: player {PlayerId} joined room {RoomId}")]
        public static partial void Joined(ILogger logger, string connectionId, string? playerId, string roomId);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: player {PlayerId} left room {RoomId}")]
        public static partial void Left(ILogger logger, string connectionId, string? playerId, string roomId);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: player {PlayerId} is no longer in room {RoomId} (the room says it left)")]
        public static partial void SeatLost(ILogger logger, string connectionId, string? playerId, string roomId);

        [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: rejected a message: {Code} ({Reason})")]
        public static partial void BadMessage(ILogger logger, string connectionId, ErrorCode code, string reason);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Connection {ConnectionId}: frame over {MaxBytes} bytes; closing with 1009")]
        public static partial void TooLarge(ILogger logger, string connectionId, int maxBytes);

        [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Connection {ConnectionId}: player {PlayerId} sent more than {MaxPerSecond} inputs per second; dropping the excess")]
        public static partial void RateLimited(ILogger logger, string connectionId, string? playerId, int maxPerSecond);

        [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: a {Operation} grain call failed; answered unavailable")]
        public static partial void GrainCallFailed(ILogger logger, Exception ex, string connectionId, string operation);

        [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: player {PlayerId} fell {Capacity} messages behind; closing it")]
        public static partial void SendQueueOverflow(ILogger logger, string connectionId, string? playerId, int capacity);

        [LoggerMessage(EventId = 1021, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: closing ({Status} {Description})")]
        public static partial void Closing(ILogger logger, string connectionId, int status, string description);

        [LoggerMessage(EventId = 1022, Level = LogLevel.Information, Message = "Connection {ConnectionId}: close not finished within {Timeout}; aborting")]
        public static partial void CloseTimedOut(ILogger logger, string connectionId, TimeSpan timeout);

        [LoggerMessage(EventId = 1023, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: player {PlayerId} dropped without a close handshake ({Reason})")]
        public static partial void Dropped(ILogger logger, string connectionId, string? playerId, string reason);

        [LoggerMessage(EventId = 1024, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: sending stopped ({Reason})")]
        public static partial void SendStopped(ILogger logger, string connectionId, string reason);

        [LoggerMessage(EventId = 1025, Level = LogLevel.Information, Message = "Connection {ConnectionId}: player {PlayerId} resumed on another connection; closing this one")]
        public static partial void Superseded(ILogger logger, string connectionId, string? playerId);

        [LoggerMessage(EventId = 1026, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: closed, player {PlayerId} ({Outcome})")]
        public static partial void Closed(ILogger logger, string connectionId, string? playerId, string outcome);

        [LoggerMessage(EventId = 1030, Level = LogLevel.Error, Message = "Connection {ConnectionId}: receive loop failed")]
        public static partial void ReceiveLoopFailed(ILogger logger, Exception ex, string connectionId);

        [LoggerMessage(EventId = 1031, Level = LogLevel.Error, Message = "Connection {ConnectionId}: send loop failed")]
        public static partial void SendLoopFailed(ILogger logger, Exception ex, string connectionId);

        [LoggerMessage(EventId = 1032, Level = LogLevel.Warning, Message = "Player {PlayerId}: reporting the dropped connection to the player grain failed; its seat may stay until the room drops it")]
        public static partial void DisconnectedCallFailed(ILogger logger, Exception ex, string playerId);

        [LoggerMessage(EventId = 1033, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: a {Operation} grain call failed; trying again in {Delay}")]
        public static partial void GrainCallRetrying(ILogger logger, Exception ex, string connectionId, string operation, TimeSpan delay);

        [LoggerMessage(EventId = 1014, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: player {PlayerId} had {Limit} wrong passwords within a minute; a join with a password is refused")]
        public static partial void PasswordRateLimited(ILogger logger, string connectionId, string? playerId, int limit);

        [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Connection {ConnectionId}: no hello within {Timeout}; closing (1008)")]
        public static partial void HelloTimedOut(ILogger logger, string connectionId, TimeSpan timeout);
    }
}
