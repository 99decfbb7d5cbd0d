using System.Collections.Immutable;
using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using ErrorCode = Game.Grains.Interfaces.ErrorCode;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Streams;

namespace Game.Grains.Rooms;

/// <summary>
/// One arena room: owns the authoritative <see cref="ArenaSimulation"/>, advances it on a grain timer at
/// <see cref="ArenaOptions.TickHz"/> (20 Hz), and publishes a <see cref="RoomSnapshot"/> every tick plus the room's
/// events on its stream (<see cref="RoomStreams"/>). Arena rules: shared protocol.md.
/// </summary>
/// <remarks>
/// <para>Split by concern: this file (activation, seats: join, leave, chat, migrate), <c>RoomGrain.Tick.cs</c> (the
/// tick), <c>RoomGrain.State.cs</c> (persistence and live migration), <c>RoomGrain.Log.cs</c>.</para>
/// <para>Non-reentrant: joins, leaves and ticks are turns and never interleave, so a tick always sees a consistent set
/// of seats. The tick timer runs only while the room has players and keeps the activation alive; an empty room clears
/// its state and ends (a later join creates it anew).</para>
/// <para>Placement: <see cref="Placement.LeastRoomsPlacementAttribute"/>, the silo with the fewest rooms (why not
/// Orleans's own: <see cref="Placement.LeastRoomsPlacementDirector"/>), so a silo that joined later takes new rooms.</para>
/// </remarks>
[Placement.LeastRoomsPlacement]
public sealed partial class RoomGrain(
    [PersistentState("room", GameStorage.Name)] IPersistentState<RoomCheckpoint> state,
    TimeProvider time,
    IOptions<ArenaOptions> options,
    LocalRooms localRooms,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain, IGrainMigrationParticipant
{
    private const string ArenaKind = "arena";

    private readonly ArenaRules _rules = options.Value.ToRules();
    private readonly Dictionary<string, Seat> _seats = new(StringComparer.Ordinal);
    private Seat[] _seatOrder = [];
    private ArenaSimulation? _simulation;
    private string? _password;
    private IAsyncStream<RoomEvent> _stream = null!;
    private ILobbyGrain _lobby = null!;

    /// <summary>A seated player: name, its grain, and its inputs waiting for the next tick.</summary>
    private sealed record Seat(string Id, string Name, IPlayerGrain Player)
    {
        public InputBuffer Input { get; } = new();
    }

    private string RoomId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetStreamProvider(RoomStreams.Provider).GetStream<RoomEvent>(RoomStreams.For(RoomId));
        _lobby = GrainFactory.GetGrain<ILobbyGrain>(ILobbyGrain.Key);
        // A room that moved here live has its memory already (OnRehydrate); one whose silo died resumes from storage.
        if (_simulation is null) Restore(state.State, fromMigration: false);
        localRooms.Set(RoomId, _seats.Count);
        if (_seats.Count == 0) return;
        StartTicking();
        await _lobby.Publish(Summary());
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StopTicking();
        localRooms.Remove(RoomId);
        if (_seats.Count == 0 || _stale) return;
        if (reason.ReasonCode == DeactivationReasonCode.Migrating) return; // the state travels with the migration
        // Any other end with players seated (the silo stops and the move failed, idle collection cannot happen while
        // ticking): the newest state is written so that the next call resumes the room from it.
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
            return JoinResult.Ok(Joined(request.PlayerId));
        }

        if (_simulation is null)
        {
            if (request.Kind != ArenaKind)
                return JoinResult.Fail(ErrorCode.BadRequest, $"Unknown room kind '{request.Kind}'; the server has \"{ArenaKind}\".");
            _simulation = new ArenaSimulation(_rules, SeedFor(RoomId));
            _password = string.IsNullOrEmpty(request.Password) ? null : request.Password;
            ScheduleFrom(_simulation.Tick);
            Log.RoomCreated(logger, RoomId, request.PlayerId, _password is not null);
        }
        else
        {
            if (request.Kind != ArenaKind)
                return JoinResult.Fail(ErrorCode.BadRequest, $"Room '{RoomId}' is of kind \"{ArenaKind}\", not '{request.Kind}'.");
            if (_password is not null && request.Password != _password)
                return JoinResult.Fail(ErrorCode.WrongPassword, $"Room '{RoomId}' has a password, and that is not it.");
        }

        if (_simulation.TryAddPlayer(request.PlayerId, out var color) == ArenaJoinOutcome.Full)
            return JoinResult.Fail(ErrorCode.RoomFull, $"Room '{RoomId}' is full ({_rules.MaxPlayers} players).");

        var seat = new Seat(request.PlayerId, request.Name, GrainFactory.GetGrain<IPlayerGrain>(request.PlayerId));
        _seats.Add(seat.Id, seat);
        _seatOrder = [.. _seatOrder, seat];
        localRooms.Set(RoomId, _seats.Count);
        await _stream.OnNextAsync(new PlayerJoinedEvent(seat.Id, seat.Name, color));
        StartTicking();
        await CheckpointAsync();
        await _lobby.Publish(Summary());
        return JoinResult.Ok(Joined(request.PlayerId));
    }

    /// <inheritdoc />
    public async Task Leave(string playerId)
    {
        if (!_seats.Remove(playerId) || _simulation is null) return;
        _seatOrder = [.. _seatOrder.Where(s => s.Id != playerId)];
        localRooms.Set(RoomId, _seats.Count);
        _simulation.RemovePlayer(playerId, out var newHost);
        await _stream.OnNextAsync(new PlayerLeftEvent(playerId));
        if (newHost is not null) await _stream.OnNextAsync(new HostChangedEvent(newHost));

        if (_seats.Count > 0)
        {
            await CheckpointAsync();
            await _lobby.Publish(Summary());
            return;
        }

        // The last player left: the room ends. A later join creates it anew (join-or-create).
        Log.RoomEmptied(logger, RoomId, _simulation.Tick);
        StopTicking();
        _simulation = null;
        _password = null;
        await ClearStateAsync();
        await _lobby.Remove(RoomId);
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public Task Input(string playerId, PlayerInput input)
    {
        if (_seats.TryGetValue(playerId, out var seat)) seat.Input.Submit(input);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopMoving(string playerId)
    {
        if (_seats.TryGetValue(playerId, out var seat)) seat.Input.StopMoving();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ErrorCode?> Chat(string playerId, string text)
    {
        if (!_seats.ContainsKey(playerId)) return ErrorCode.NotInRoom;
        await _stream.OnNextAsync(new ChatEvent(playerId, text, time.GetUtcNow().ToUnixTimeMilliseconds()));
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

    private RoomSummary Summary() => new(RoomId, ArenaKind, _seats.Count, _rules.MaxPlayers, _password is not null);

    private RoomJoined Joined(string playerId)
    {
        var players = ImmutableDictionary.CreateBuilder<string, PlayerProfile>(StringComparer.Ordinal);
        foreach (var p in _simulation!.Players) players[p.Id] = new PlayerProfile(_seats[p.Id].Name, p.Color);
        return new RoomJoined(RoomId, ArenaKind, playerId, _simulation.HostId ?? playerId, _rules.TickHz,
            _rules.WorldWidth, _rules.WorldHeight, players.ToImmutable());
    }

    /// <summary>A seed that differs per room and per creation, so rooms don't share spawn points.</summary>
    private ulong SeedFor(string roomId)
        => (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() ^ ((ulong)(uint)StringComparer.Ordinal.GetHashCode(roomId) << 32);
}
