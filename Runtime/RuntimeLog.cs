using Microsoft.Extensions.Logging;

namespace Game.Runtime;

/// <summary>The runtime's log messages, with stable event ids (1000–1099).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Activated {GrainId}")]
    public static partial void Activated(this ILogger logger, GrainId grainId);

    [LoggerMessage(1001, LogLevel.Error, "Activation of {GrainId} failed; its queued calls fail")]
    public static partial void ActivationFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(1002, LogLevel.Debug, "Deactivated {GrainId} ({Reason})")]
    public static partial void Deactivated(this ILogger logger, GrainId grainId, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "OnDeactivateAsync of {GrainId} threw")]
    public static partial void DeactivationHookFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(1004, LogLevel.Warning, "A turn ({Turn}) of {GrainId} ran {ElapsedMs:F0} ms; long turns delay every call and tick of the grain")]
    public static partial void LongTurn(this ILogger logger, string turn, GrainId grainId, double elapsedMs);

    [LoggerMessage(1005, LogLevel.Error, "A turn ({Turn}) of {GrainId} threw")]
    public static partial void TurnFailed(this ILogger logger, Exception exception, string turn, GrainId grainId);

    [LoggerMessage(1006, LogLevel.Warning, "One-way call {Method} on {GrainId} threw")]
    public static partial void OneWayCallFailed(this ILogger logger, Exception exception, string method, GrainId grainId);

    [LoggerMessage(1007, LogLevel.Error, "A timer tick of {GrainId} threw; the next tick still runs")]
    public static partial void TimerTickFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(1008, LogLevel.Information, "{GrainId} is already active on {Silo}; calls go there")]
    public static partial void LostActivationRace(this ILogger logger, GrainId grainId, string silo);

    [LoggerMessage(1009, LogLevel.Warning, "Unregistering {GrainId} from the directory failed")]
    public static partial void DirectoryUnregisterFailed(this ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(1010, LogLevel.Debug, "Collected {Count} idle activation(s)")]
    public static partial void CollectedIdle(ILogger logger, int count);

    [LoggerMessage(1011, LogLevel.Warning, "Silo shutdown: {Count} activation(s) did not deactivate within {TimeoutSeconds} s")]
    public static partial void ShutdownTimedOut(ILogger logger, int count, double timeoutSeconds);

    [LoggerMessage(1012, LogLevel.Information, "Silo {Silo} is active")]
    public static partial void SiloStarted(ILogger logger, string silo);

    [LoggerMessage(1013, LogLevel.Information, "Silo {Silo} is stopping; deactivating {Count} activation(s)")]
    public static partial void SiloStopping(ILogger logger, string silo, int count);

    [LoggerMessage(1020, LogLevel.Warning, "Stream {StreamId}: a subscriber threw")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, string streamId);

    [LoggerMessage(1021, LogLevel.Warning, "Stream {StreamId}: a subscriber fell behind; {Count} item(s) dropped")]
    public static partial void SubscriberDropped(ILogger logger, string streamId, long count);
}
