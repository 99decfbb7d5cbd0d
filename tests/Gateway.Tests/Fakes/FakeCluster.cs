using System.Collections.Concurrent;
using System.Collections.Immutable;
using Game.Grains.Interfaces;
using Game.Runtime;
using Game.Runtime.Hosting;
using Game.Runtime.Streams;

namespace Game.Gateway.Tests.Fakes;

/// <summary>
/// Stand-ins for the silo, to test what the gateway itself does (fault handling, fan-out, coalescing) with rooms
/// that publish only when a test tells them to. Grain calls throw while <see cref="Unreachable"/> is set.
/// </summary>
internal sealed class FakeCluster : IGrainFactory, ISiloStatusOracle
{
    private readonly ConcurrentDictionary<string, FakePlayer> _players = new();
    private readonly ConcurrentDictionary<string, FakeRoom> _rooms = new();

    public FakeStreams Streams { get; } = new();
    public FakeLobby Lobby { get; }
    public volatile bool Unreachable;

    public FakeCluster() => Lobby = new FakeLobby(this);

    public SiloAddress SiloAddress { get; } = new("fake", 0, 1);
    public SiloStatus CurrentStatus { get; set; } = SiloStatus.Active;

    public FakeRoom Room(string id) => _rooms.GetOrAdd(id, k => new FakeRoom(k, this));
    public FakePlayer Player(string id) => _players.GetOrAdd(id, k => new FakePlayer(k, this));

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        object grain = typeof(TGrainInterface) == typeof(IPlayerGrain) ? Player(key)
            : typeof(TGrainInterface) == typeof(IRoomGrain) ? Room(key)
            : typeof(TGrainInterface) == typeof(ILobbyGrain) ? Lobby
            : throw new ArgumentException($"no fake for {typeof(TGrainInterface)}");
        return (TGrainInterface)grain;
    }

    public async Task Call()
    {
        await Task.Yield();
        if (Unreachable) throw new TimeoutException("fake: grain unreachable");
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

    public async Task<PlayerSession> StartSession(string name)
    {
        await cluster.Call();
        lock (_lock)
        {
            _name = name;
            _token = $"{id}.secret{Random.Shared.Next()}";
            return new PlayerSession(id, _name, _token, _room);
        }
    }

    public async Task<PlayerSession?> Resume(string token)
    {
        await cluster.Call();
        lock (_lock) return token == _token ? new PlayerSession(id, _name, _token, _room) : null;
    }

    public async Task Disconnected(int connection)
    {
        await cluster.Call();
        Interlocked.Increment(ref Disconnects);
    }

    public async Task<JoinResult> JoinRoom(string roomId, string kind, string? password)
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

    public async Task SubmitInput(PlayerInput input)
    {
        await cluster.Call();
        lock (_lock) _inputs.Add(input);
    }

    public Task FollowRoom() => Task.CompletedTask;

    public Task<InputSample> TakeInput() => throw new NotSupportedException();
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

    public Task Migrate() => throw new NotSupportedException();

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

    public Task Publish(RoomEvent e) => cluster.Streams.GetStream<RoomEvent>(RoomStreams.For(id)).OnNextAsync(e);
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

/// <summary>A stream provider that delivers synchronously, in publish order, to every subscriber.</summary>
internal sealed class FakeStreams : IStreamProvider
{
    private readonly ConcurrentDictionary<StreamId, object> _streams = new();

    public string Name => RoomStreams.Provider;

    public IAsyncStream<T> GetStream<T>(StreamId id) => (IAsyncStream<T>)_streams.GetOrAdd(id, k => new FakeStream<T>(k));

    public int SubscriberCount(string roomId)
        => _streams.TryGetValue(RoomStreams.For(roomId), out var s) ? ((FakeStream<RoomEvent>)s).Count : 0;

    private sealed class FakeStream<T>(StreamId id) : IAsyncStream<T>
    {
        private readonly Lock _lock = new();
        private readonly List<Handle> _handles = [];

        public StreamId StreamId => id;
        public int Count { get { lock (_lock) return _handles.Count; } }

        public async Task OnNextAsync(T item)
        {
            Handle[] handles;
            lock (_lock) handles = [.. _handles];
            foreach (var h in handles) await h.Observer.OnNextAsync(item);
        }

        public Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer)
        {
            var handle = new Handle(this, observer);
            lock (_lock) _handles.Add(handle);
            return Task.FromResult<StreamSubscriptionHandle<T>>(handle);
        }

        public Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles()
        {
            lock (_lock) return Task.FromResult<IList<StreamSubscriptionHandle<T>>>([.. _handles]);
        }

        private sealed class Handle(FakeStream<T> stream, IAsyncObserver<T> observer) : StreamSubscriptionHandle<T>
        {
            public IAsyncObserver<T> Observer { get; } = observer;
            public override StreamId StreamId => stream.StreamId;
            public override Guid HandleId { get; } = Guid.NewGuid();

            public override Task UnsubscribeAsync()
            {
                lock (stream._lock) stream._handles.Remove(this);
                return Task.CompletedTask;
            }
        }
    }
}
