using Game.Gateway.Feeds;
using Game.Grains.Interfaces;
using Game.Runtime;
using Game.Runtime.Membership;

namespace Game.Gateway.Cluster;

/// <summary>
/// In cluster mode, keeps the rooms this gateway's players are in running: every <see cref="Period"/>, and at once
/// when the membership changes, it calls each such room. A room whose silo died (its directory entry is gone once the
/// silo is declared dead) is thereby activated on a surviving silo from its checkpoint, and its snapshots reach this
/// gateway again through the cluster's stream subscriptions, without any WebSocket closing.
/// </summary>
internal sealed partial class RoomKeeper(RoomFeedRegistry feeds, IGrainFactory grains, IClusterMembershipView membership,
    ILogger<RoomKeeper> logger) : BackgroundService
{
    /// <summary>How often every local room is called.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        membership.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await _wake.WaitAsync(Period, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                await Task.WhenAll(feeds.RoomIds().Select(TouchAsync));
            }
        }
        finally
        {
            membership.Changed -= OnChanged;
        }
    }

    private void OnChanged(MembershipTableSnapshot snapshot)
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    private async Task TouchAsync(string roomId)
    {
        try
        {
            await grains.GetGrain<IRoomGrain>(roomId).Describe();
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
