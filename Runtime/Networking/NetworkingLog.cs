using Microsoft.Extensions.Logging;

namespace Game.Runtime.Networking;

/// <summary>The networking log messages, with stable event ids (1200–1249).</summary>
internal static partial class NetworkingLog
{
    [LoggerMessage(1200, LogLevel.Information, "Listening for silos and gateways on {Endpoint} (advertised as {Advertised})")]
    public static partial void Listening(ILogger logger, string endpoint, string advertised);

    [LoggerMessage(1201, LogLevel.Debug, "Connection {Connection} opened")]
    public static partial void ConnectionOpened(ILogger logger, string connection);

    [LoggerMessage(1202, LogLevel.Debug, "Connection {Connection} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string connection, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "Connection {Connection} failed; its pending calls fail")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, string connection);

    [LoggerMessage(1204, LogLevel.Warning, "Connection {Connection} has {Queued} frames waiting (its peer does not read fast enough): closing it")]
    public static partial void SendQueueOverflow(ILogger logger, string connection, int queued);

    [LoggerMessage(1205, LogLevel.Warning, "Connection {Connection} is behind: {Count} stream item(s) dropped so far")]
    public static partial void StreamItemsDropped(ILogger logger, string connection, long count);

    [LoggerMessage(1206, LogLevel.Error, "Encoding a {Frame} frame for {Connection} failed; it was not sent")]
    public static partial void FrameEncodingFailed(ILogger logger, Exception exception, string frame, string connection);

    [LoggerMessage(1207, LogLevel.Warning, "Connecting to silo {Silo} failed (attempt {Attempt}: {Reason}); next try in {DelayMs} ms")]
    public static partial void ConnectFailed(ILogger logger, string silo, int attempt, double delayMs, string reason);

    [LoggerMessage(1208, LogLevel.Warning, "Connection {Connection} refused: it expects silo generation {Expected}, this silo is {Actual}")]
    public static partial void GenerationMismatch(ILogger logger, string connection, long expected, long actual);

    [LoggerMessage(1209, LogLevel.Warning, "A one-way call {Call} to {Silo} was not sent: {Reason}")]
    public static partial void OneWayNotSent(ILogger logger, string call, string silo, string reason);

    [LoggerMessage(1210, LogLevel.Warning, "A request from {Connection} could not be read; the caller gets the error")]
    public static partial void BadRequest(ILogger logger, Exception exception, string connection);

    [LoggerMessage(1211, LogLevel.Debug, "Silo {Silo} is dead: dropped {Count} cached grain location(s) and its connection")]
    public static partial void SiloDead(ILogger logger, string silo, int count);

    [LoggerMessage(1212, LogLevel.Warning, "A {Kind} frame from {Connection} was ignored: {Reason}")]
    public static partial void FrameIgnored(ILogger logger, string kind, string connection, string reason);

    [LoggerMessage(1213, LogLevel.Warning, "Stream item for {Stream} from {Connection} could not be read")]
    public static partial void BadStreamItem(ILogger logger, Exception exception, string stream, string connection);

    [LoggerMessage(1214, LogLevel.Warning, "Routing {Call} failed")]
    public static partial void RoutingFailed(ILogger logger, Exception exception, string call);
}
