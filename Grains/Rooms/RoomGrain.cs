using System.Collections.Immutable;
using Game.Grains.Interfaces;
using Game.Grains.Kinds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Streams;
using ErrorCode = Game.Grains.Interfaces.ErrorCode;

namespace Game.Grains.Rooms;

/// <summary>
/// One room of any kind (<see cref="IRoomKind"/>): hosts the kind's rules (<see cref="IRoomRules"/>) and owns what every
/// kind shares: seats in join order, the host and host hand-over, the password, capacity, resume, the tick timer, the
/// room's stream, persistence, live migration and the lobby entry. Rules: shared protocol.md (v1 arena, v1.1 kinds).
/// </summary>
/// <remarks>
/// <para>Split by concern: this file (activation, seats: join, leave, messages, chat, migrate), <c>RoomGrain.Tick.cs</c>
/// (the tick and the room output), <c>RoomGrain.State.cs</c> (persistence and live migration), <c>RoomGrain.Log.cs</c>.</para>
/// <para>Non-reentrant: joins, leaves, messages and ticks are turns and never interleave, so the rules always see a
/// consistent set of seats. The tick timer (kinds that tick) and the checkpoint timer run only while the room has
/// players and keep the activation alive; an empty room clears its state and ends (a later join creates it anew).</para>
/// <para>The host is the longest-present player, i.e. the first seat: when it leaves, the next seat becomes host and
/// everyone gets <c>host_changed</c> (shared protocol.md).</para>
/// <para>Placement: <see cref="Placement.LeastRoomsPlacementAttribute"/>, the silo with the fewest rooms (why not
/// Orleans's own: <see cref="Placement.LeastRoomsPlacementDirector"/>), so a silo that joined later takes new rooms.</para>
/// </remarks>
[Placement.LeastRoomsPlacement]
public sealed partial class RoomGrain(
    [PersistentState("room", GameStorage.Name)] IPersistentState<RoomCheckpoint> state,
    RoomKinds kinds,
    TimeProvider time,
    IOptions<ArenaOptions> options,
    LocalRooms localRooms,
    TickSlots tickSlots,
    GameStorageDurability durability,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain, IGrainMigrationParticipant
{
    private readonly Dictionary<string, Seat> _seats = new(StringComparer.Ordinal);
    private Seat[] _seatOrder = [];
    private long _lastSeatNumber; // the number of the newest seat given (seat numbers only grow)
    private IRoomKind? _kind;
    private IRoomRules? _rules;
    private PasswordHash? _password; // never the password itself (shared protocol.md v1.1)
    private Limits.TimeProviderSlidingWindow? _passwordAttempts; // wrong passwords, shared protocol.md v1.1

    /// <summary>Wrong passwords a room takes per minute from all connections (shared protocol.md v1.1, "Connections and operators"). <value>20.</value></summary>
    internal const int MaxWrongPasswordsPerMinute = 20;
    private IAsyncStream<RoomEvent>? _stream;
    private ILobbyGrain _lobby = null!;

    /// <summary>A seated player: name, and for kinds that tick its inputs waiting for the next tick.</summary>
    private sealed record Seat(string Id, string Name, long Number)
    {
        public InputBuffer Input { get; } = new();

        /// <summary>The player's connection is gone (its seat is kept for the resume grace).</summary>
        public bool Away { get; set; }
    }

    private string RoomId => this.GetPrimaryKeyString();

    /// <summary>The room's stream (made once per activation).</summary>
    private IAsyncStream<RoomEvent> Stream() =>
        _stream ??= this.GetStreamProvider(RoomStreams.Provider).GetStream<RoomEvent>(RoomStreams.For(RoomId));

    private string? HostId => _seatOrder.Length == 0 ? null : _seatOrder[0].Id;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Stream();
        _lobby = GrainFactory.GetGrain<ILobbyGrain>(ILobbyGrain.Key);
        // A room that moved here live has its memory already (OnRehydrate); one whose silo died resumes from storage.
        var fromStorage = _rules is null;
        if (fromStorage) Restore(state.State, fromMigration: false);
        localRooms.Set(RoomId, _seats.Count);
        if (_kind is not null) localRooms.SetKind(RoomId, _kind.Name);
        if (_seats.Count == 0) return;
        StartTimers(resumed: true);
        if (fromStorage) CheckSeatsSoon();
        await _lobby.Publish(Summary());
    }

    /// <summary>How long after resuming from storage the room asks its seats' players whether they still hold them.</summary>
    private static readonly TimeSpan SeatCheckDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the room waits for a player's answer; a seat whose player does not answer stays.</summary>
    private static readonly TimeSpan SeatCheckTimeout = TimeSpan.FromSeconds(2);

    private IGrainTimer? _seatCheck;

    /// <summary>
    /// Invariant: a seat exists only while its player holds it. A room resumed from storage (after its silo died or
    /// froze) holds the seats of its last checkpoint, and a player may have left since without the room hearing it (the
    /// leave went to the dead silo): shortly after resuming, the room asks each seat's player and frees the seats of
    /// those whose session is elsewhere or gone. A live move carries the room's memory and needs no check.
    /// </summary>
    private void CheckSeatsSoon() =>
        _seatCheck ??= this.RegisterGrainTimer(static (room, _) => room.CheckSeatsAsync(), this,
            new GrainTimerCreationOptions(SeatCheckDelay, Timeout.InfiniteTimeSpan));

    private async Task CheckSeatsAsync()
    {
        _seatCheck?.Dispose();
        _seatCheck = null;
        var seats = _seatOrder;
        var answers = seats.Select(s => GrainFactory.GetGrain<IPlayerGrain>(s.Id).HoldsSeatIn(RoomId).WaitAsync(SeatCheckTimeout)).ToArray();
        for (var i = 0; i < seats.Length; i++)
        {
            bool holds;
            try
            {
                holds = await answers[i];
            }
            catch (Exception)
            {
                continue; // no answer: the seat stays (its player may be resuming)
            }
            if (holds) continue;
            Log.GhostSeatFreed(logger, RoomId, seats[i].Id);
            await Leave(seats[i].Id);
        }
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopTimers();
        _seatCheck?.Dispose();
        _seatCheck = null;
        localRooms.Remove(RoomId);
        if (_seats.Count == 0 || _stale) return;
        if (reason.ReasonCode == DeactivationReasonCode.Migrating) return; // the state travels with the migration
        // One process ending: its memory storage ends with it (its storage grains may be gone already).
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !durability.Durable) return;
        // Any other end with players seated (the silo stops and the move failed): the newest state is written so that
        // the next call resumes the room from it.
        Log.DeactivatedWithPlayers(logger, RoomId, _seats.Count, reason.ToString());
        await FinalCheckpointAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JoinResult> Join(JoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_seats.TryGetValue(request.PlayerId, out var seated))
        {
            // Seated already: the player resumed on a new connection, which numbers its inputs afresh.
            seated.Input.Reset();
            if (seated.Away)
            {
                seated.Away = false;
                await Stream().OnNextAsync(new PlayerAwayEvent(seated.Id, Away: false));
            }
            return JoinResult.Ok(Joined(request.PlayerId));
        }

        if (_rules is null)
        {
            if (!kinds.TryGet(request.Kind, out var kind))
                return JoinResult.Fail(ErrorCode.BadRequest, $"Unknown room kind '{request.Kind}'; the server has {string.Join(", ", kinds.Names)}.");
            var max = request.Max ?? kind.Capacity.Default;
            if (!kind.Capacity.Allows(max))
            {
                return JoinResult.Fail(ErrorCode.BadRequest, kind.Capacity.Min == kind.Capacity.Max
                    ? $"A {kind.Name} room has {kind.Capacity.Max} seats; max {max} is not allowed."
                    : $"max must be {kind.Capacity.Min}–{kind.Capacity.Max} for a {kind.Name} room (was {max}).");
            }
            _kind = kind;
            _rules = kind.Create(new RoomSetup(max, SeedFor(RoomId)));
            // Seat numbers of a new room start above any an earlier room of this id gave (a gateway may still get a
            // late player_left about one of those).
            _lastSeatNumber = Math.Max(_lastSeatNumber, time.GetUtcNow().ToUnixTimeMilliseconds() * 1000);
            _password = string.IsNullOrEmpty(request.Password) ? null : PasswordHash.Create(request.Password);
            Log.RoomCreated(logger, RoomId, kind.Name, request.PlayerId, _password is not null);
        }
        else
        {
            if (request.Kind != _kind!.Name)
                return JoinResult.Fail(ErrorCode.WrongKind, $"Room '{RoomId}' is a {_kind.Name} room, not {request.Kind}.");
            if (_password is not null && CheckPassword(request.Password) is { } passwordRefused) return passwordRefused;
        }

        if (_seats.Count >= _rules.Max) return JoinResult.Fail(ErrorCode.RoomFull, $"Room '{RoomId}' is full ({_rules.Max} players).");
        var player = new RoomPlayer(request.PlayerId, request.Name, IsHost: _seats.Count == 0);
        var output = Output();
        if (_rules.OnJoin(player, output) is { } refused)
        {
            if (_seats.Count == 0) EndRoom();
            return JoinResult.Fail(refused.Code, refused.Message);
        }

        var seat = new Seat(request.PlayerId, request.Name, ++_lastSeatNumber);
        _seats.Add(seat.Id, seat);
        _seatOrder = [.. _seatOrder, seat];
        localRooms.Set(RoomId, _seats.Count);
        localRooms.SetKind(RoomId, _kind!.Name);
        var color = _rules.View(seat.Id).Colors.GetValueOrDefault(seat.Id);
        output.Events.Insert(0, new PlayerJoinedEvent(seat.Id, seat.Name, color, _rules.Waiting));
        await PublishAsync(output);
        StartTimers(resumed: false);
        await CheckpointAsync();
        await _lobby.Publish(Summary());
        return JoinResult.Ok(Joined(request.PlayerId));
    }

    /// <inheritdoc />
    public async Task Leave(string playerId)
    {
        if (_rules is null || !_seats.Remove(playerId, out var leaving)) return;
        var hostBefore = HostId;
        _seatOrder = [.. _seatOrder.Where(s => s.Id != playerId)];
        localRooms.Set(RoomId, _seats.Count);
        var output = Output();
        _rules.OnLeave(playerId, output);
        output.Events.Insert(0, new PlayerLeftEvent(playerId, _rules.Waiting, leaving.Number));
        if (HostId is { } host && host != hostBefore) output.Publish(new HostChangedEvent(host));
        await PublishAsync(output);

        if (_seats.Count > 0)
        {
            await CheckpointAsync();
            await _lobby.Publish(Summary());
            return;
        }

        // The last player left: the room ends. A later join creates it anew (join-or-create).
        Log.RoomEmptied(logger, RoomId);
        EndRoom();
        await ClearStateAsync();
        await _lobby.Remove(RoomId);
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public Task Input(string playerId, PlayerInput input)
    {
        Submit(playerId, input);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Inputs(InputBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var ids = batch.PlayerIds;
        var inputs = batch.Inputs;
        for (var i = 0; i < ids.Length && i < inputs.Length; i++) Submit(ids[i], inputs[i]);
        return Task.CompletedTask;
    }

    /// <summary>Buffers <paramref name="input"/> for the next tick if <paramref name="playerId"/> is seated and not away (<see cref="IRoomGrain.Input"/>).</summary>
    private void Submit(string playerId, in PlayerInput input)
    {
        if (_seats.TryGetValue(playerId, out var seat) && !seat.Away) seat.Input.Submit(input);
    }

    /// <inheritdoc />
    public async Task StopMoving(string playerId)
    {
        if (!_seats.TryGetValue(playerId, out var seat)) return;
        seat.Input.StopMoving();
        if (seat.Away) return;
        seat.Away = true;
        await Stream().OnNextAsync(new PlayerAwayEvent(playerId, Away: true));
    }

    /// <inheritdoc />
    public async Task<RoomReply?> Message(string playerId, KindMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_rules is null || !_seats.ContainsKey(playerId)) return new RoomReply(ErrorCode.NotInRoom, "join a room first");
        var output = Output();
        if (_rules.OnMessage(playerId, message, output) is { } refused) return new RoomReply(refused.Code, refused.Message);
        _dirty = true;
        await PublishAsync(output);
        return null;
    }

    /// <inheritdoc />
    public async Task<ErrorCode?> Chat(string playerId, string text)
    {
        if (!_seats.ContainsKey(playerId)) return ErrorCode.NotInRoom;
        await Stream().OnNextAsync(new ChatEvent(playerId, text, time.GetUtcNow().ToUnixTimeMilliseconds()));
        return null;
    }

    /// <inheritdoc />
    public Task Migrate(SiloAddress? target)
    {
        Log.Migrating(logger, RoomId, _seats.Count, target?.ToString() ?? "any");
        // MigrateOnIdle takes the request context of this call: placement honours the hint when the silo is active.
        if (target is not null) RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        MigrateOnIdle();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SiloAddress?> Locate() => Task.FromResult(_seats.Count == 0 ? null : GrainContext.Address.SiloAddress);

    /// <inheritdoc />
    public Task<RoomSummary> Describe() => Task.FromResult(Summary());

    private RoomSummary Summary()
        => new(RoomId, _kind?.Name ?? "", _seats.Count, _rules?.Max ?? 0, _password is not null);

    private RoomJoined Joined(string playerId)
    {
        var view = _rules!.View(playerId);
        var players = ImmutableDictionary.CreateBuilder<string, PlayerProfile>(StringComparer.Ordinal);
        foreach (var seat in _seatOrder) players[seat.Id] = new PlayerProfile(seat.Name, view.Colors.GetValueOrDefault(seat.Id));
        var world = _kind!.World ?? (0, 0);
        return new RoomJoined(RoomId, _kind.Name, playerId, HostId ?? playerId, _kind.TickHz ?? 0, world.Width, world.Height,
            players.ToImmutable(), _rules.Max, Ticks: _kind.TickHz is not null, _rules.Waiting, view.ExtraJson, _seats[playerId].Number);
    }

    /// <summary>
    /// The password check of a locked room (shared protocol.md v1.1, "Connections and operators"): no password is "a
    /// password is needed" (<c>wrong_password</c>; not a guess, so not counted and never rate-limited). After
    /// <see cref="MaxWrongPasswordsPerMinute"/> wrong ones within a minute, from any connections, every password is
    /// refused with <c>rate_limited</c> without being checked, the right one too, until the oldest of them is a minute
    /// old (to the second: the window slides in one-second segments). Only then is the slow hash computed
    /// (<see cref="PasswordHash.Verify"/>), so refused attempts cost no CPU.
    /// </summary>
    /// <returns>The refusal, or null when the password is right.</returns>
    private JoinResult? CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password)) return JoinResult.Fail(ErrorCode.WrongPassword, $"Room '{RoomId}' is locked: a password is needed.");
        var attempts = _passwordAttempts ??= new Limits.TimeProviderSlidingWindow(time, MaxWrongPasswordsPerMinute, TimeSpan.FromMinutes(1), segmentsPerWindow: 60);
        if (attempts.IsExhausted)
        {
            return JoinResult.Fail(ErrorCode.RateLimited,
                $"Room '{RoomId}' had {MaxWrongPasswordsPerMinute} wrong passwords within a minute; try again when a minute has passed.");
        }
        if (_password!.Verify(password)) return null;
        attempts.TryAcquire(); // one is free: checked above, in this same turn
        Log.WrongPassword(logger, RoomId);
        return JoinResult.Fail(ErrorCode.WrongPassword, $"Room '{RoomId}' has a password, and that is not it.");
    }

    /// <summary>Forgets the kind and its rules: the room is empty (or its creation was refused).</summary>
    private void EndRoom()
    {
        StopTimers();
        _kind = null;
        _rules = null;
        _password = null;
        _passwordAttempts = null;
    }

    /// <summary>A seed that differs per room and per creation, so rooms don't share spawn points or serves.</summary>
    private ulong SeedFor(string roomId)
        => (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() ^ ((ulong)(uint)StringComparer.Ordinal.GetHashCode(roomId) << 32);
}
