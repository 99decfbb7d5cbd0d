using System.Security.Cryptography;
using System.Text;
using Game.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Game.Grains.Players;

/// <summary>
/// One player session: name, resume token, current room, and the buffer of the player's inputs that the room's tick
/// takes (newest wins; attack presses in between are kept).
/// </summary>
/// <remarks>
/// <para>While connected, a keep-alive timer holds the activation; after <see cref="Disconnected"/> the seat is kept for
/// <see cref="ResumeGrace"/> (protocol.md: the token resumes the session within 30 s), then the player leaves its room
/// and the session ends. The session is persisted on every change, so the player resumes on another silo if this one
/// stops or dies.</para>
/// <para>Where inputs live (issue: the room must not pay a cross-silo call per player per tick): the gateway sends each
/// input one-way to this grain, and the room's tick takes it with <see cref="TakeInput"/>. Players follow their room:
/// the room tells each seated player its silo (<see cref="FollowRoom"/>), and the player moves there by live migration
/// with that silo as placement hint, carrying its input buffer (<see cref="IGrainMigrationParticipant"/>). So the tick's
/// calls stay inside one silo, and no grain reads another's memory. Pushing inputs from the gateway once per tick would
/// save calls but delay every input by up to a tick; a custom placement director alone could not move a player that is
/// already active.</para>
/// </remarks>
[PreferLocalPlacement]
public sealed partial class PlayerGrain(
    [PersistentState("player", GameStorage.Name)] IPersistentState<PlayerSessionState> session,
    TimeProvider time,
    ILogger<PlayerGrain> logger) : Grain, IPlayerGrain, IGrainMigrationParticipant
{
    /// <summary>How long a dropped player keeps its session and seat (protocol.md: 30 s).</summary>
    public static readonly TimeSpan ResumeGrace = TimeSpan.FromSeconds(30);

    private const string MigrationKey = "game.player.input";
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromMinutes(1);

    private readonly InputBuffer _input = new();
    private IGrainTimer? _presence;

    private PlayerSessionState State => session.State;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Token is null || State.Name is null) return Task.CompletedTask;
        if (State.DisconnectedAtMs is { } droppedAt)
        {
            var left = ResumeGrace - TimeSpan.FromMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() - droppedAt);
            StartGrace(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        else
        {
            Connected();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<PlayerSession> StartSession(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        State.Name = name;
        State.Token = $"{this.GetPrimaryKeyString()}.{Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_')}";
        State.RoomId = null;
        State.Connection = 1;
        Connected();
        await session.WriteStateAsync();
        return Session();
    }

    /// <inheritdoc />
    public async Task<PlayerSession?> Resume(string token)
    {
        if (State.Token is not { } current || State.Name is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(current)))
        {
            return null;
        }
        State.Connection++;
        Connected();
        // A new connection numbers its inputs afresh.
        _input.Reset();
        await session.WriteStateAsync();
        return Session();
    }

    /// <inheritdoc />
    public async Task Disconnected(int connection)
    {
        if (State.Token is null) return;
        if (connection != State.Connection)
        {
            // A report about a connection the player has already resumed from: the current one is fine.
            Log.StaleDisconnect(logger, this.GetPrimaryKeyString(), connection, State.Connection);
            return;
        }
        // Stop moving: the room applies a zero input next tick (same seq, so acks don't move).
        _input.StopMoving();
        State.DisconnectedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        StartGrace(ResumeGrace);
        Log.Disconnected(logger, this.GetPrimaryKeyString(), State.RoomId);
        await session.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<JoinResult> JoinRoom(string roomId, string kind, string? password)
    {
        if (State.Name is null) throw new InvalidOperationException($"Player {this.GetPrimaryKeyString()} has no session; say hello first.");
        if (State.RoomId is not null && State.RoomId != roomId) await LeaveRoom();

        var result = await GrainFactory.GetGrain<IRoomGrain>(roomId).Join(new JoinRequest(this.GetPrimaryKeyString(), State.Name, kind, password));
        if (result.Joined is not null && State.RoomId != roomId)
        {
            State.RoomId = roomId;
            _input.Reset();
            await session.WriteStateAsync();
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<string?> LeaveRoom()
    {
        if (State.RoomId is not { } roomId) return null;
        State.RoomId = null;
        _input.Reset();
        await session.WriteStateAsync();
        await GrainFactory.GetGrain<IRoomGrain>(roomId).Leave(this.GetPrimaryKeyString());
        return roomId;
    }

    /// <inheritdoc />
    public Task FollowRoom(SiloAddress roomSilo)
    {
        if (State.RoomId is null || roomSilo.Equals(GrainContext.Address.SiloAddress!)) return Task.CompletedTask;
        Log.FollowingRoom(logger, this.GetPrimaryKeyString(), State.RoomId, roomSilo.ToString());
        // MigrateOnIdle takes this call's request context: placement puts the next activation on the hinted silo.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, roomSilo);
        MigrateOnIdle();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SubmitInput(PlayerInput input)
    {
        if (State.RoomId is not null) _input.Submit(input);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<InputSample> TakeInput() => Task.FromResult(_input.Take());

    /// <inheritdoc />
    public void OnDehydrate(IDehydrationContext dehydrationContext) => dehydrationContext.TryAddValue(MigrationKey, _input.Memory);

    /// <inheritdoc />
    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (rehydrationContext.TryGetValue<BufferedInput>(MigrationKey, out var memory)) _input.Memory = memory;
    }

    private PlayerSession Session() => new(this.GetPrimaryKeyString(), State.Name!, State.Token!, State.RoomId, State.Connection);

    /// <summary>While connected, a slow keep-alive timer keeps the session from idle collection.</summary>
    private void Connected()
    {
        State.DisconnectedAtMs = null;
        _presence?.Dispose();
        _presence = this.RegisterGrainTimer(static (_, _) => Task.CompletedTask, this,
            new GrainTimerCreationOptions(KeepAlivePeriod, KeepAlivePeriod) { KeepAlive = true });
    }

    private void StartGrace(TimeSpan left)
    {
        _presence?.Dispose();
        _presence = this.RegisterGrainTimer(static (self, _) => self.GraceExpiredAsync(), this,
            new GrainTimerCreationOptions(left, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task GraceExpiredAsync()
    {
        _presence?.Dispose();
        _presence = null;
        Log.SessionExpired(logger, this.GetPrimaryKeyString(), State.RoomId);
        await LeaveRoom();
        await session.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <summary>Player log messages, event ids 2100–2199.</summary>
    private static partial class Log
    {
        [LoggerMessage(2100, LogLevel.Debug, "Player {PlayerId} disconnected (room {RoomId}); seat kept for 30 s")]
        public static partial void Disconnected(ILogger logger, string playerId, string? roomId);

        [LoggerMessage(2101, LogLevel.Information, "Player {PlayerId} did not come back within 30 s; leaving room {RoomId}")]
        public static partial void SessionExpired(ILogger logger, string playerId, string? roomId);

        [LoggerMessage(2102, LogLevel.Debug, "Player {PlayerId} moves to the silo of its room {RoomId} ({Silo})")]
        public static partial void FollowingRoom(ILogger logger, string playerId, string roomId, string silo);

        [LoggerMessage(2103, LogLevel.Debug, "Player {PlayerId}: ignored the disconnect of connection {Stale}; connection {Current} is the current one")]
        public static partial void StaleDisconnect(ILogger logger, string playerId, int stale, int current);
    }
}
