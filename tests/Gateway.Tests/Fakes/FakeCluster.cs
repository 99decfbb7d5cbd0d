using System.Collections.Concurrent;
using System.Collections.Immutable;
using Game.Grains.Interfaces;
using Game.Gateway.Cluster;
using Orleans;
using ErrorCode = Game.Grains.Interfaces.ErrorCode;
using Orleans.Runtime;
using Orleans.Streams;

namespace Game.Gateway.Tests.Fakes;

/// <summary>
/// Stand-ins for the silo, to test what the gateway itself does (fault handling, fan-out, coalescing) with rooms
/// that publish only when a test tells them to. Grain calls throw while <see cref="Unreachable"/> is set.
/// </summary>
internal sealed class FakeCluster : IGrainFactory, IClusterHealth
{
    private readonly ConcurrentDictionary<string, FakePlayer> _players = new();
    private readonly ConcurrentDictionary<string, FakeRoom> _rooms = new();

    public FakeStreams Streams { get; } = new();
    public FakeLobby Lobby { get; }
    public volatile bool Unreachable;

    public FakeCluster() => Lobby = new FakeLobby(this);

    public SiloStatus CurrentStatus { get; set; } = SiloStatus.Active;

    public bool IsHealthy(out string status)
    {
        status = CurrentStatus.ToString();
        return CurrentStatus == SiloStatus.Active;
    }

    public FakeRoom Room(string id) => _rooms.GetOrAdd(id, k => new FakeRoom(k, this));
    public FakePlayer Player(string id) => _players.GetOrAdd(id, k => new FakePlayer(k, this));

    public TGrainInterface GetGrain<TGrainInterface>(string key, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithStringKey
    {
        object grain = typeof(TGrainInterface) == typeof(IPlayerGrain) ? Player(key)
            : typeof(TGrainInterface) == typeof(IRoomGrain) ? Room(key)
            : typeof(TGrainInterface) == typeof(ILobbyGrain) ? Lobby
            : throw new ArgumentException($"no fake for {typeof(TGrainInterface)}");
        return (TGrainInterface)grain;
    }

    // The rest of IGrainFactory: the gateway never uses it.
    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithGuidKey => throw new NotSupportedException();
    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithIntegerKey => throw new NotSupportedException();
    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithGuidCompoundKey => throw new NotSupportedException();
    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithIntegerCompoundKey => throw new NotSupportedException();
    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver => throw new NotSupportedException();
    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver => throw new NotSupportedException();
    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw new NotSupportedException();
    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw new NotSupportedException();
    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw new NotSupportedException();
    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw new NotSupportedException();
    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw new NotSupportedException();
    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => throw new NotSupportedException();
    public IAddressable GetGrain(GrainId grainId) => throw new NotSupportedException();
    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw new NotSupportedException();
    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) => throw new NotSupportedException();
    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => throw new NotSupportedException();

    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _callFailures = new();

    /// <summary>The next grain calls fail with these, one each, in order.</summary>
    public void FailNextCalls(params Exception[] failures)
    {
        foreach (var failure in failures) _callFailures.Enqueue(failure);
    }

    public async Task Call()
    {
        await Task.Yield();
        if (Unreachable) throw new TimeoutException("fake: grain unreachable");
        if (_callFailures.TryDequeue(out var failure)) throw failure;
    }
}

internal sealed class FakePlayer(string id, FakeCluster cluster) : IPlayerGrain
{
    private readonly Lock _lock = new();
    private string _name = "";
    private string? _token;
    private string? _room;
    private readonly List<PlayerInput> _inputs = [];

    public int Disconnects;
    public string? RoomId { get { lock (_lock) return _room; } }
    public PlayerInput[] Inputs { get { lock (_lock) return [.. _inputs]; } }

    public Task<bool> Whisper(WhisperEvent whisper) => Task.FromResult(false);

    public Task<bool> HoldsSeatIn(string roomId) => Task.FromResult(RoomId == roomId);

    public async Task<PlayerSession> StartSession(string name, string? gateway = null)
    {
        await cluster.Call();
        lock (_lock)
        {
            _name = name;
            _token = $"{id}.secret{Random.Shared.Next()}";
            return new PlayerSession(id, _name, _token, _room);
        }
    }

    public async Task<PlayerSession?> Resume(string token, string? gateway = null)
    {
        await cluster.Call();
        lock (_lock) return token == _token ? new PlayerSession(id, _name, _token, _room) : null;
    }

    public async Task Disconnected(int connection)
    {
        await cluster.Call();
        Interlocked.Increment(ref Disconnects);
    }

    public async Task<JoinResult> JoinRoom(string roomId, string kind, string? password, int? max = null)
    {
        await cluster.Call();
        string? current;
        lock (_lock) current = _room;
        if (current is not null && current != roomId) await cluster.Room(current).Leave(id);
        var result = await cluster.Room(roomId).Join(new JoinRequest(id, _name, kind, password));
        lock (_lock) _room = result.Joined is not null ? roomId : current == roomId ? current : null;
        return result;
    }

    public async Task<string?> LeaveRoom()
    {
        await cluster.Call();
        string? room;
        lock (_lock)
        {
            room = _room;
            _room = null;
        }
        if (room is not null) await cluster.Room(room).Leave(id);
        return room;
    }

    /// <summary>An input that reached the player's room (<see cref="FakeRoom.Input"/>).</summary>
    public void Record(PlayerInput input)
    {
        lock (_lock) _inputs.Add(input);
    }

}

internal sealed class FakeRoom(string id, FakeCluster cluster) : IRoomGrain
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PlayerProfile> _seats = [];
    private string? _password;
    private string? _host;
    private long _tick;

    public int Max { get; set; } = 8;

    public async Task<JoinResult> Join(JoinRequest request)
    {
        await cluster.Call();
        PlayerProfile profile;
        lock (_lock)
        {
            if (_seats.Count == 0) _password = request.Password;
            if (!_seats.ContainsKey(request.PlayerId))
            {
                if (_seats.Count >= Max) return JoinResult.Fail(ErrorCode.RoomFull, "room is full");
                if (_password is not null && _password != request.Password) return JoinResult.Fail(ErrorCode.WrongPassword, "wrong password");
                _seats[request.PlayerId] = new PlayerProfile(request.Name, new Rgb((byte)_seats.Count, 0, 0));
                _host ??= request.PlayerId;
            }
            profile = _seats[request.PlayerId];
        }
        await Publish(new PlayerJoinedEvent(request.PlayerId, profile.Name, profile.Color));
        lock (_lock) return JoinResult.Ok(new RoomJoined(id, "arena", request.PlayerId, _host!, 20, 1000, 1000, _seats.ToImmutableDictionary()));
    }

    public async Task Leave(string playerId)
    {
        await cluster.Call();
        lock (_lock)
        {
            if (!_seats.Remove(playerId)) return;
            if (_seats.Count == 0) _host = null;
        }
        await Publish(new PlayerLeftEvent(playerId));
    }

    public async Task<ErrorCode?> Chat(string playerId, string text)
    {
        await cluster.Call();
        lock (_lock)
        {
            if (!_seats.ContainsKey(playerId)) return ErrorCode.NotInRoom;
        }
        await Publish(new ChatEvent(playerId, text, 1));
        return null;
    }

    public Task<RoomSummary> Describe() => throw new NotSupportedException();

    public Task<RoomReply?> Message(string playerId, KindMessage message) => Task.FromResult<RoomReply?>(new RoomReply(ErrorCode.WrongKind, "fake arena"));

    public async Task Input(string playerId, PlayerInput input)
    {
        await cluster.Call();
        cluster.Player(playerId).Record(input);
    }

    public async Task Inputs(InputBatch batch)
    {
        await cluster.Call();
        for (var i = 0; i < batch.PlayerIds.Length; i++) cluster.Player(batch.PlayerIds[i]).Record(batch.Inputs[i]);
    }

    public Task StopMoving(string playerId) => Task.CompletedTask;

    public Task Migrate(SiloAddress? target) => throw new NotSupportedException();

    public Task<SiloAddress?> Locate() => throw new NotSupportedException();

    /// <summary>Publishes a snapshot of every seat at (x, 0) with the next tick number.</summary>
    public Task PublishSnapshot(float x = 0)
    {
        ImmutableArray<PlayerSnapshot> players;
        long tick;
        lock (_lock)
        {
            tick = ++_tick;
            players = [.. _seats.Keys.Select(p => new PlayerSnapshot(p, x, 0, 0, 0, 100, 0))];
        }
        return Publish(new RoomSnapshot(id, 1000 + tick, tick, players));
    }

    public Task Publish(RoomEvent e) => cluster.Streams.PublishAsync(id, e);
}

internal sealed class FakeLobby(FakeCluster cluster) : ILobbyGrain
{
    public Task Publish(RoomSummary room) => Task.CompletedTask;
    public Task Remove(string roomId) => Task.CompletedTask;

    public async Task<IReadOnlyList<RoomSummary>> List()
    {
        await cluster.Call();
        return [new RoomSummary("fake-room", "arena", 1, 8, true)];
    }
}

/// <summary>Room streams that deliver synchronously, in publish order, to every subscriber.</summary>
internal sealed class FakeStreams : IRoomEventSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<IAsyncObserver<RoomEvent>>> _subscribers = [];

    public int SubscriberCount(string roomId)
    {
        lock (_lock) return _subscribers.TryGetValue(roomId, out var list) ? list.Count : 0;
    }

    public async Task PublishAsync(string roomId, RoomEvent item)
    {
        IAsyncObserver<RoomEvent>[] observers;
        lock (_lock) observers = _subscribers.TryGetValue(roomId, out var list) ? [.. list] : [];
        foreach (var o in observers) await o.OnNextAsync(item);
    }

    private readonly Queue<Exception> _subscribeFailures = [];

    /// <summary>The next subscriptions fail with these, one each, in order.</summary>
    public void FailNextSubscribes(params Exception[] failures)
    {
        lock (_lock) foreach (var failure in failures) _subscribeFailures.Enqueue(failure);
    }

    public Task<IAsyncDisposable> SubscribeAsync(string roomId, IAsyncObserver<RoomEvent> observer)
    {
        lock (_lock)
        {
            if (_subscribeFailures.TryDequeue(out var failure)) return Task.FromException<IAsyncDisposable>(failure);
            if (!_subscribers.TryGetValue(roomId, out var list)) _subscribers[roomId] = list = [];
            list.Add(observer);
        }
        return Task.FromResult<IAsyncDisposable>(new Subscription(this, roomId, observer));
    }

    private sealed class Subscription(FakeStreams streams, string roomId, IAsyncObserver<RoomEvent> observer) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (streams._lock) streams._subscribers[roomId].Remove(observer);
            return ValueTask.CompletedTask;
        }
    }
}
