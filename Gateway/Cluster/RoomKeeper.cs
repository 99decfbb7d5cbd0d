using Orleans;
using Game.Gateway.Feeds;
using Game.Grains.Interfaces;

namespace Game.Gateway.Cluster;

/// <summary>
/// In cluster mode, keeps the rooms this gateway's players are in running: every <see cref="Period"/> it calls each
/// such room. A room whose silo died is thereby activated on a surviving silo as soon as Orleans has declared the silo
/// dead, resuming from its persisted state, and its snapshots reach this gateway again through the room's stream,
/// without any WebSocket closing. (A room that moved live or whose silo stopped gracefully needs no call.)
/// </summary>
internal sealed partial class RoomKeeper(RoomFeedRegistry feeds, IGrainFactory grains, ILogger<RoomKeeper> logger) : BackgroundService
{
    /// <summary>How often every local room is called. <value>500 ms.</value></summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one call may take before it counts as failed. <value>2 seconds.</value></summary>
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await Task.WhenAll(feeds.RoomIds().Select(TouchAsync));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TouchAsync(string roomId)
    {
        try
        {
            await grains.GetGrain<IRoomGrain>(roomId).Describe().WaitAsync(CallDeadline);
        }
        catch (Exception ex)
        {
            Log.RoomUnreachable(logger, roomId, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3100, LogLevel.Debug, "Room {RoomId} did not answer ({Reason}); retrying")]
        public static partial void RoomUnreachable(ILogger logger, string roomId, string reason);
    }
}
