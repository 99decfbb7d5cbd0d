using Microsoft.Extensions.Logging;

namespace Game.Runtime.Clustering.Postgres;

/// <summary>The PostgreSQL clustering provider's log messages, event ids 3100–3199. None carries the connection string.</summary>
internal static partial class PostgresClusteringLog
{
    [LoggerMessage(3100, LogLevel.Information, "Cluster schema ready at version {Version} (this build writes version {Latest})")]
    public static partial void SchemaReady(ILogger logger, int version, int latest);

    [LoggerMessage(3101, LogLevel.Debug, "Membership watch listening on channel {Channel}")]
    public static partial void WatchListening(ILogger logger, string channel);

    [LoggerMessage(3102, LogLevel.Warning, "Membership watch lost its connection; reconnecting in {DelayMs:F0} ms")]
    public static partial void WatchConnectionFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(3103, LogLevel.Error, "A membership change handler threw; the watch goes on")]
    public static partial void WatchHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(3104, LogLevel.Warning, "Heartbeat of {Silo} changed no row: the silo is not in the membership table")]
    public static partial void HeartbeatForUnknownSilo(ILogger logger, string silo);
}
