using Game.Gateway.Connections;
using Game.Grains.Interfaces;
using Game.Gateway.Cluster;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Feeds;

/// <summary>
/// The gateway's room feeds: one stream subscription per room that has local players, made when the first local
/// player starts joining and ended when the last one leaves.
/// </summary>
/// <remarks>A subscription Orleans could not deliver, or whose first try timed out, is tried again (<see cref="RejectionRetry"/>).</remarks>
internal sealed partial class RoomFeedRegistry(IRoomEventSource source, ILogger<RoomFeedRegistry> logger, TimeProvider time, IOptions<GatewayOptions> options,
    Connections.Epoll.SendBatches? sends = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RoomFeed> _feeds = new(StringComparer.Ordinal);

    /// <summary>Rooms with a feed (for tests and diagnostics).</summary>
    public int Count
    {
        get { lock (_lock) return _feeds.Count; }
    }

    /// <summary>The ids of the rooms that have players on this gateway.</summary>
    public string[] RoomIds()
    {
        lock (_lock) return [.. _feeds.Keys];
    }

    /// <summary>
    /// Adds <paramref name="connection"/> to the feed of <paramref name="roomId"/>, subscribing to the room's stream if it
    /// is the room's first local connection, and waits until the subscription is in place.
    /// </summary>
    /// <exception cref="Exception">Subscribing failed (the connection has been removed again).</exception>
    public async Task<RoomFeed> AddAsync(string roomId, PlayerConnection connection)
    {
        RoomFeed feed;
        lock (_lock)
        {
            if (!_feeds.TryGetValue(roomId, out feed!))
            {
                feed = new RoomFeed(roomId, logger, options.Value.InputBatchLead, sends);
                _feeds.Add(roomId, feed);
                feed.Subscription = SubscribeAsync(feed);
            }
            feed.Members = [.. feed.Members, connection];
        }

        try
        {
            await feed.Subscription.ConfigureAwait(false);
        }
        catch
        {
            Remove(feed, connection);
            throw;
        }
        return feed;
    }

    /// <summary>Removes <paramref name="connection"/> from <paramref name="feed"/>; the last one out ends the subscription. Idempotent.</summary>
    public void Remove(RoomFeed feed, PlayerConnection connection)
    {
        lock (_lock)
        {
            var members = feed.Members;
            var index = Array.IndexOf(members, connection);
            if (index < 0) return;
            feed.Members = members = [.. members.AsSpan(0, index), .. members.AsSpan(index + 1)];
            if (members.Length != 0) return;
            if (_feeds.TryGetValue(feed.RoomId, out var current) && ReferenceEquals(current, feed)) _feeds.Remove(feed.RoomId);
        }
        _ = UnsubscribeAsync(feed);
    }

    private async Task<IAsyncDisposable> SubscribeAsync(RoomFeed feed)
    {
        await Task.Yield(); // never subscribe under the caller's lock
        try
        {
            // A subscription is a set entry at the stream's rendezvous grain: making it twice is harmless, so one that timed
            // out (the rendezvous was on a frozen silo) is made again too.
            var handle = await RejectionRetry.CallAsync(_ => source.SubscribeAsync(feed.RoomId, feed), time,
                (ex, delay) => Log.SubscribeRetrying(logger, feed.RoomId, ex.Message, delay),
                RejectionRetry.RetryAfterOrOnceAfterTimeout).ConfigureAwait(false);
            Log.Subscribed(logger, feed.RoomId);
            return handle;
        }
        catch (Exception ex)
        {
            Log.SubscribeFailed(logger, ex, feed.RoomId);
            throw;
        }
    }

    private async Task UnsubscribeAsync(RoomFeed feed)
    {
        try
        {
            var handle = await feed.Subscription.ConfigureAwait(false);
            await handle.DisposeAsync().ConfigureAwait(false);
            Log.Unsubscribed(logger, feed.RoomId);
        }
        catch (Exception ex)
        {
            // A subscription that never came to be needs no ending; one that cannot be ended is logged only.
            Log.UnsubscribeFailed(logger, ex, feed.RoomId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Debug, Message = "Room {RoomId}: subscribed to the room stream")]
        public static partial void Subscribed(ILogger logger, string roomId);

        [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Room {RoomId}: subscribing to the room stream failed")]
        public static partial void SubscribeFailed(ILogger logger, Exception ex, string roomId);

        [LoggerMessage(EventId = 1112, Level = LogLevel.Debug, Message = "Room {RoomId}: unsubscribed from the room stream (no local players left)")]
        public static partial void Unsubscribed(ILogger logger, string roomId);

        [LoggerMessage(EventId = 1113, Level = LogLevel.Debug, Message = "Room {RoomId}: ending the room stream subscription failed")]
        public static partial void UnsubscribeFailed(ILogger logger, Exception ex, string roomId);

        [LoggerMessage(EventId = 1114, Level = LogLevel.Information, Message = "Room {RoomId}: subscribing to the room stream could not reach a silo ({Reason}); trying again in {Delay}")]
        public static partial void SubscribeRetrying(ILogger logger, string roomId, string reason, TimeSpan delay);
    }
}
