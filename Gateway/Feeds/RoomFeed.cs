using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Game.Gateway.Connections;
using Game.Gateway.Connections.Epoll;
using Game.Grains.Interfaces;
using Game.Protocol;
using Orleans.Streams;
using Microsoft.Extensions.Logging;

namespace Game.Gateway.Feeds;

/// <summary>
/// This gateway's one subscription to a room's stream: encodes each item once per encoding its members use and hands
/// the same bytes to every local connection of the room that uses that encoding.
/// </summary>
/// <remarks>
/// <para>Room events are JSON for everyone. A snapshot is encoded as a JSON <c>map</c> if some member speaks JSON and as
/// a binary <c>map</c> if some member negotiated binary (docs/protocol-binary.md); the binary encoder keeps the room's
/// roster, whose bytes are made once per roster and queued by each binary member before the first map that follows it.</para>
/// <para>The stream delivers one item at a time per subscription, so the encoders and buffer need no lock. Members are an
/// array replaced under the registry's lock, read here without one. Handing over queues the item, or sends it at once
/// to a connection that is idle; a send that does not complete at once goes on in that connection's send loop,
/// so a connection never makes the feed wait. One failing connection does not stop the others.</para>
/// </remarks>
internal sealed partial class RoomFeed(string roomId, ILogger logger, TimeSpan inputBatchLead = default, SendBatches? sends = null) : IAsyncObserver<RoomEvent>
{
    private readonly JsonMessageWriter _json = new();
    private readonly BinaryRoomEventEncoder _binary = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private volatile PlayerConnection[] _members = [];
    private RosterFrame? _roster;

    /// <summary>The room id.</summary>
    public string RoomId { get; } = roomId;

    /// <summary>
    /// When the room's next tick is due as seen from here, and so until when its inputs may be held for one call
    /// (<see cref="GatewayOptions.InputBatchLead"/>); fed by the room's snapshots, its rate set by each local join.
    /// </summary>
    public RoomTickClock Clock { get; } = new(inputBatchLead);

    /// <summary>The subscription being made or made (set by the registry when the feed is created).</summary>
    internal Task<IAsyncDisposable> Subscription { get; set; } = null!;

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
        var snapshot = RoomSeat.IsSnapshot(item);
        if (snapshot)
        {
            var arena = item as RoomSnapshot;
            Clock.OnSnapshot(Stopwatch.GetTimestamp(), arena?.Tick);
            if (arena is not null) Diagnostics.GatewayMetrics.RecordSnapshotAge(arena.Time, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }

        // An event for some of the room only (a kind's SendTo / SendToOthers).
        string? to = null, except = null;
        if (item is DirectedEvent directed) (item, to, except) = (directed.Event, directed.To, directed.Except);

        // Which encodings this item is needed in: events are JSON for everyone; an arena map in what the members speak.
        var binaryable = BinaryRoomEventEncoder.CanEncode(item);
        var wantJson = !binaryable;
        var wantBinary = false;
        if (binaryable)
        {
            foreach (var member in members)
            {
                if (member.Encoding == WireEncoding.Binary) wantBinary = true;
                else wantJson = true;
            }
        }

        var json = default(OutgoingFrame?);
        var binary = default(OutgoingFrame?);
        RosterFrame? roster = null;
        if (wantJson) json = TryEncode(_json, item);
        if (wantBinary && TryEncode(_binary, item) is { } map)
        {
            binary = map;
            roster = CurrentRoster();
        }

        // The sends to idle members go in one io_uring batch where there is one (SendBatches).
        var batch = sends?.Rent();
        try
        {
            foreach (var member in members)
            {
                if (to is not null && member.PlayerId != to) continue;
                if (except is not null && member.PlayerId == except) continue;
                var useBinary = binaryable && member.Encoding == WireEncoding.Binary;
                if ((useBinary ? binary : json) is not { } frame) continue; // its encoding failed (logged)
                try
                {
                    member.DeliverRoomItem(RoomId, item, frame, useBinary ? roster : null, batch);
                }
                catch (Exception ex)
                {
                    Log.DeliveryFailed(logger, ex, RoomId);
                }
            }
        }
        finally
        {
            batch?.Flush(); // the batch holds its members' send sides until then
        }
        return Task.CompletedTask;
    }

    /// <summary>Encodes <paramref name="item"/> into a new frame (its bytes are shared and outlive the buffer); null when that fails.</summary>
    private OutgoingFrame? TryEncode(IRoomEventEncoder encoder, RoomEvent item)
    {
        _buffer.ResetWrittenCount();
        try
        {
            encoder.Encode(item, _buffer);
        }
        catch (Exception ex)
        {
            Log.EncodeFailed(logger, ex, RoomId, item.GetType().Name, encoder.Format);
            return null;
        }
        return new OutgoingFrame(_buffer.WrittenSpan.ToArray(),
            encoder.Format == MessageFormat.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary);
    }

    /// <summary>The roster of the last binary map, encoded once per roster.</summary>
    private RosterFrame CurrentRoster()
    {
        var roster = _binary.Roster!;
        if (_roster is { } current && ReferenceEquals(current.Roster, roster)) return current;
        _buffer.ResetWrittenCount();
        BinaryMessageWriter.WriteRoster(_buffer, roster);
        _roster = new RosterFrame(roster, new OutgoingFrame(_buffer.WrittenSpan.ToArray(), WebSocketMessageType.Binary));
        return _roster;
    }

    public Task OnErrorAsync(Exception ex)
    {
        Log.StreamError(logger, ex, RoomId);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Room {RoomId}: could not encode a {ItemType} ({Format}); it was not sent")]
        public static partial void EncodeFailed(ILogger logger, Exception ex, string roomId, string itemType, MessageFormat format);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Room {RoomId}: handing an item to a connection failed")]
        public static partial void DeliveryFailed(ILogger logger, Exception ex, string roomId);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Room {RoomId}: stream error")]
        public static partial void StreamError(ILogger logger, Exception ex, string roomId);
    }
}
