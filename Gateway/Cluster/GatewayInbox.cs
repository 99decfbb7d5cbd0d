using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using Game.Gateway.Connections;
using Game.Gateway.Sessions;
using Game.Grains.Interfaces;
using Game.Protocol;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace Game.Gateway.Cluster;

/// <summary>This gateway's identity in the cluster: whispers for its players are published on <see cref="GatewayStreams.For"/> of <see cref="Id"/>.</summary>
internal sealed class GatewayIdentity
{
    /// <summary>A random id, new for each process start.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");
}

/// <summary>The players watching the lobby on this gateway (<c>rooms</c> with <c>watch</c>, shared protocol.md v1.1).</summary>
internal sealed class LobbyWatchers
{
    private readonly ConcurrentDictionary<PlayerConnection, byte> _watchers = new();

    /// <summary>Starts or stops pushing the room list to <paramref name="connection"/>.</summary>
    public void Set(PlayerConnection connection, bool watching)
    {
        if (watching) _watchers[connection] = 0;
        else _watchers.TryRemove(connection, out _);
    }

    /// <summary>The watching connections (a copy).</summary>
    public PlayerConnection[] All() => [.. _watchers.Keys];
}

/// <summary>
/// Receives what is for this gateway's players but not about one room: whispers for players connected here (this
/// gateway's stream), and operator announcements and lobby changes (the stream every gateway reads), and hands each to
/// the connections it is for, encoding it once.
/// </summary>
internal sealed partial class GatewayInbox(
    IClusterClient client,
    GatewayIdentity identity,
    SessionRegistry sessions,
    LobbyWatchers watchers,
    ILogger<GatewayInbox> logger) : IHostedService, IAsyncObserver<GatewayEvent>
{
    private readonly JsonMessageWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Lock _lock = new();
    private readonly List<StreamSubscriptionHandle<GatewayEvent>> _subscriptions = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var provider = client.GetStreamProvider(RoomStreams.Provider);
        foreach (var id in (StreamId[])[GatewayStreams.For(identity.Id), GatewayStreams.All])
        {
            _subscriptions.Add(await provider.GetStream<GatewayEvent>(id).SubscribeAsync(this).WaitAsync(cancellationToken));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in _subscriptions)
        {
            try
            {
                await subscription.UnsubscribeAsync().WaitAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                Log.UnsubscribeFailed(logger, ex);
            }
        }
    }

    public Task OnNextAsync(GatewayEvent item, StreamSequenceToken? token = null)
    {
        switch (item)
        {
            case WhisperEvent whisper when sessions.TryGet(whisper.To, out var connection):
                connection.DeliverFrame(Encode(b => _writer.WriteChat(b, whisper.From, whisper.Text, whisper.Time, whisper.To)));
                break;
            case AnnouncementEvent announcement:
                var frame = Encode(b => _writer.WriteAnnouncement(b, announcement.Text, announcement.Time));
                foreach (var c in sessions.Connections()) c.DeliverFrame(frame);
                break;
            case LobbyChangedEvent lobby:
                var watching = watchers.All();
                if (watching.Length == 0) break;
                var rooms = Encode(b => _writer.WriteRooms(b, [.. lobby.Rooms.OrderBy(r => r.Id, NaturalStringComparer.Instance)]));
                foreach (var c in watching) c.DeliverFrame(rooms);
                break;
        }
        return Task.CompletedTask;
    }

    public Task OnErrorAsync(Exception ex)
    {
        Log.StreamError(logger, ex);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    /// <summary>Encodes one message into a frame of its own (shared by every connection it goes to).</summary>
    private OutgoingFrame Encode(Action<IBufferWriter<byte>> write)
    {
        lock (_lock)
        {
            _buffer.ResetWrittenCount();
            write(_buffer);
            return new OutgoingFrame(_buffer.WrittenSpan.ToArray(), WebSocketMessageType.Text);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "Gateway stream error")]
        public static partial void StreamError(ILogger logger, Exception ex);

        [LoggerMessage(EventId = 1121, Level = LogLevel.Debug, Message = "Ending a gateway stream subscription failed")]
        public static partial void UnsubscribeFailed(ILogger logger, Exception ex);
    }
}
