using System.Collections.Immutable;
using Game.Grains.Arena;
using Game.Grains.Interfaces;
using Game.Runtime;
using Game.Runtime.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Game.Grains.Rooms;

/// <summary>
/// One arena room: owns the authoritative <see cref="ArenaSimulation"/>, advances it on a grain timer at
/// <see cref="ArenaOptions.TickHz"/> (20 Hz), and publishes a <see cref="RoomSnapshot"/> every tick plus
/// the room's events on its stream. Arena rules: shared protocol.md.
/// </summary>
/// <remarks>
/// Split by concern: this file (seats: join, leave, chat), <c>RoomGrain.Tick.cs</c> (the tick),
/// <c>RoomGrain.Log.cs</c>. Non-reentrant: joins, leaves and ticks are turns and never interleave, so a
/// tick always sees a consistent set of seats. The tick timer runs only while the room has players and
/// keeps the activation alive; an empty room is forgotten (a later join creates it anew).
/// </remarks>
public sealed partial class RoomGrain(TimeProvider time, IOptions<ArenaOptions> options, Players.LocalInputBuffers inputs,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private const string ArenaKind = "arena";

    private readonly ArenaRules _rules = options.Value.ToRules();
    private readonly Dictionary<string, Seat> _seats = new(StringComparer.Ordinal);
    private Seat[] _seatOrder = [];
    private ArenaSimulation? _simulation;
    private string? _password;
    private IAsyncStream<RoomEvent> _stream = null!;
    private ILobbyGrain _lobby = null!;
    private IGrainTimer? _tickTimer;

    /// <summary>A seated player: name and the grain that buffers its inputs.</summary>
    private sealed record Seat(string Id, string Name, IPlayerGrain Player);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = GetStreamProvider(RoomStreams.Provider).GetStream<RoomEvent>(RoomStreams.For(GetPrimaryKeyString()));
        _lobby = GrainFactory.GetGrain<ILobbyGrain>(ILobbyGrain.Key);
        await RestoreAsync(cancellationToken);
        if (_seats.Count > 0) await _lobby.Publish(Summary());
    }

    /// <inheritdoc />
    /// <remarks>
    /// A room that still has players when its activation ends (its silo stops, or it is moved) writes its
    /// checkpoint and calls itself: the call is held until this activation has ended and then activates the room
    /// on another silo, which resumes from the checkpoint with the same tick counter and acks.
    /// </remarks>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_seats.Count == 0)
        {
            await _lobby.Remove(GetPrimaryKeyString());
            return;
        }
        Log.DeactivatedWithPlayers(logger, GetPrimaryKeyString(), _seats.Count, reason.ToString());
        await FinalCheckpointAsync(cancellationToken);
        if (reason.Code is DeactivationReasonCode.ShuttingDown or DeactivationReasonCode.Migrating)
        {
            _ = GrainFactory.GetGrain<IRoomGrain>(GetPrimaryKeyString()).Describe()
                .ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }
    }

    /// <inheritdoc />
    public async Task<JoinResult> Join(JoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_seats.ContainsKey(request.PlayerId)) return JoinResult.Ok(Joined(request.PlayerId));

        if (_simulation is null)
        {
            if (request.Kind != ArenaKind)
                return JoinResult.Fail(ErrorCode.BadRequest, $"Unknown room kind '{request.Kind}'; the server has \"{ArenaKind}\".");
            _simulation = new ArenaSimulation(_rules, SeedFor(GetPrimaryKeyString()));
            _password = string.IsNullOrEmpty(request.Password) ? null : request.Password;
            Log.RoomCreated(logger, GetPrimaryKeyString(), request.PlayerId, _password is not null);
        }
        else
        {
            if (request.Kind != ArenaKind)
                return JoinResult.Fail(ErrorCode.BadRequest, $"Room '{GetPrimaryKeyString()}' is of kind \"{ArenaKind}\", not '{request.Kind}'.");
            if (_password is not null && request.Password != _password)
                return JoinResult.Fail(ErrorCode.WrongPassword, $"Room '{GetPrimaryKeyString()}' has a password, and that is not it.");
        }

        if (_simulation.TryAddPlayer(request.PlayerId, out var color) == ArenaJoinOutcome.Full)
            return JoinResult.Fail(ErrorCode.RoomFull, $"Room '{GetPrimaryKeyString()}' is full ({_rules.MaxPlayers} players).");

        var seat = new Seat(request.PlayerId, request.Name, GrainFactory.GetGrain<IPlayerGrain>(request.PlayerId));
        _seats.Add(seat.Id, seat);
        _seatOrder = [.. _seatOrder, seat];
        await _stream.OnNextAsync(new PlayerJoinedEvent(seat.Id, seat.Name, color));
        StartTicking();
        await CheckpointAsync(CancellationToken.None);
        await _lobby.Publish(Summary());
        return JoinResult.Ok(Joined(request.PlayerId));
    }

    /// <inheritdoc />
    public async Task Leave(string playerId)
    {
        if (!_seats.Remove(playerId) || _simulation is null) return;
        _seatOrder = [.. _seatOrder.Where(s => s.Id != playerId)];
        _simulation.RemovePlayer(playerId, out var newHost);
        await _stream.OnNextAsync(new PlayerLeftEvent(playerId));
        if (newHost is not null) await _stream.OnNextAsync(new HostChangedEvent(newHost));

        if (_seats.Count > 0)
        {
            await CheckpointAsync(CancellationToken.None);
            await _lobby.Publish(Summary());
            return;
        }

        // The last player left: the room ends. A later join creates it anew (join-or-create).
        Log.RoomEmptied(logger, GetPrimaryKeyString(), _simulation.Tick);
        _tickTimer?.Dispose();
        _tickTimer = null;
        _simulation = null;
        _password = null;
        await ClearCheckpointAsync();
        await _lobby.Remove(GetPrimaryKeyString());
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public async Task<ErrorCode?> Chat(string playerId, string text)
    {
        if (!_seats.ContainsKey(playerId)) return ErrorCode.NotInRoom;
        await _stream.OnNextAsync(new ChatEvent(playerId, text, time.GetUtcNow().ToUnixTimeMilliseconds()));
        return null;
    }

    /// <inheritdoc />
    public Task Migrate()
    {
        Log.Migrating(logger, GetPrimaryKeyString(), _seats.Count);
        MigrateOnIdle();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<RoomSummary> Describe() => Task.FromResult(Summary());

    private RoomSummary Summary()
        => new(GetPrimaryKeyString(), ArenaKind, _seats.Count, _rules.MaxPlayers, _password is not null);

    private RoomJoined Joined(string playerId)
    {
        var players = ImmutableDictionary.CreateBuilder<string, PlayerProfile>(StringComparer.Ordinal);
        foreach (var p in _simulation!.Players) players[p.Id] = new PlayerProfile(_seats[p.Id].Name, p.Color);
        return new RoomJoined(GetPrimaryKeyString(), ArenaKind, playerId, _simulation.HostId ?? playerId, _rules.TickHz,
            _rules.WorldWidth, _rules.WorldHeight, players.ToImmutable());
    }

    /// <summary>A seed that differs per room and per creation, so rooms don't share spawn points.</summary>
    private ulong SeedFor(string roomId)
        => (ulong)time.GetUtcNow().ToUnixTimeMilliseconds() ^ ((ulong)(uint)StringComparer.Ordinal.GetHashCode(roomId) << 32);
}
