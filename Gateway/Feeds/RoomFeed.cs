using System.Buffers;
using System.Net.WebSockets;
using Game.Gateway.Connections;
using Game.Grains.Interfaces;
using Game.Protocol;
using Game.Runtime.Streams;
using Microsoft.Extensions.Logging;

namespace Game.Gateway.Feeds;

/// <summary>
/// This gateway's one subscription to a room's stream: encodes each item once and hands the same bytes to every
/// local connection of the room.
/// </summary>
/// <remarks>
/// The stream delivers one item at a time per subscription, so the encoder and buffer need no lock. Members are an
/// array replaced under the registry's lock, read here without one. Handing over only queues (a connection
/// never makes the feed wait); one failing connection does not stop the others.
/// </remarks>
internal sealed partial class RoomFeed(string roomId, ILogger logger) : IAsyncObserver<RoomEvent>
{
    private readonly IRoomEventEncoder _encoder = new JsonMessageWriter();
    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private volatile PlayerConnection[] _members = [];

    /// <summary>The room id.</summary>
    public string RoomId { get; } = roomId;

    /// <summary>The subscription being made or made (set by the registry when the feed is created).</summary>
    internal Task<StreamSubscriptionHandle<RoomEvent>> Subscription { get; set; } = null!;

    /// <summary>The local connections of the room, including ones whose join is in flight. Replaced (never changed) under the registry's lock.</summary>
    internal PlayerConnection[] Members
    {
        get => _members;
        set => _members = value;
    }

    public Task OnNextAsync(RoomEvent item, StreamSequenceToken? token = null)
    {
        var members = Members;
        if (members.Length == 0) return Task.CompletedTask;

        _buffer.ResetWrittenCount();
        try
        {
            _encoder.Encode(item, _buffer);
        }
        catch (Exception ex)
        {
            Log.EncodeFailed(logger, ex, RoomId, item.GetType().Name);
            return Task.CompletedTask;
        }
        var frame = new OutgoingFrame(_buffer.WrittenSpan.ToArray(),
            _encoder.Format == MessageFormat.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary);

        foreach (var member in members)
        {
            try
            {
                member.DeliverRoomItem(RoomId, item, frame);
            }
            catch (Exception ex)
            {
                Log.DeliveryFailed(logger, ex, RoomId);
            }
        }
        return Task.CompletedTask;
    }

    public Task OnErrorAsync(Exception ex)
    {
        if (ex is StreamItemsDroppedException dropped) Log.ItemsDropped(logger, RoomId, dropped.Count);
        else Log.StreamError(logger, ex, RoomId);
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Room {RoomId}: could not encode a {ItemType}; it was not sent")]
        public static partial void EncodeFailed(ILogger logger, Exception ex, string roomId, string itemType);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Room {RoomId}: handing an item to a connection failed")]
        public static partial void DeliveryFailed(ILogger logger, Exception ex, string roomId);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Room {RoomId}: the gateway fell behind the room stream; {Count} item(s) dropped")]
        public static partial void ItemsDropped(ILogger logger, string roomId, long count);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Room {RoomId}: stream error")]
        public static partial void StreamError(ILogger logger, Exception ex, string roomId);
    }
}
