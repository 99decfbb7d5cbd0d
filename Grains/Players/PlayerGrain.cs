using System.Security.Cryptography;
using System.Text;
using Game.Grains.Interfaces;
using Game.Runtime;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;
using Game.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Game.Grains.Players;

/// <summary>
/// One player session: name, resume token, current room, and the buffer of the player's inputs that the
/// room's tick drains (newest wins; attack presses in between are kept).
/// </summary>
/// <remarks>
/// While connected, a keep-alive timer holds the activation; after <see cref="Disconnected"/> the seat is
/// kept for <see cref="ResumeGrace"/> (protocol.md: the token resumes the session within 30 s), then the
/// player leaves its room and the session ends. The session (name, token, room, when it dropped) is written to
/// grain storage on every change, so the player resumes on another silo if this one stops or dies; the input
/// buffer is not (at most one tick of input).
/// </remarks>
public sealed partial class PlayerGrain(IGrainStorage storage, LocalInputBuffers inputs, TimeProvider time, ILogger<PlayerGrain> logger) : Grain, IPlayerGrain
{
    /// <summary>How long a dropped player keeps its session and seat (protocol.md: 30 s).</summary>
    public static readonly TimeSpan ResumeGrace = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromMinutes(1);

    private string? _name;
    private string? _token;
    private string? _roomId;
    private IGrainTimer? _presence;
    private InputBuffer _input = null!;
    private long? _disconnectedAtMs;
    private int _connection; // PlayerSession.Connection of the current (or last) connection


    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _input = inputs.Register(GetPrimaryKeyString());
        var state = await storage.ReadAsync<PlayerSessionState>(GrainId, cancellationToken);
        if (state is null) return;
        (_name, _token, _roomId, _disconnectedAtMs, _connection) = (state.Name, state.Token, state.RoomId, state.DisconnectedAtMs, state.Connection);
        if (_disconnectedAtMs is { } droppedAt)
        {
            var left = ResumeGrace - TimeSpan.FromMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() - droppedAt);
            StartGrace(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        else
        {
            Connected();
        }
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Inputs for this player now go to its next activation (possibly on another silo).
        inputs.Unregister(GetPrimaryKeyString(), _input);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<PlayerSession> StartSession(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _name = name;
        _token = $"{GetPrimaryKeyString()}.{Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_')}";
        _roomId = null;
        _connection = 1;
        Connected();
        return SaveAndReturn(Session());
    }

    /// <inheritdoc />
    public async Task<PlayerSession?> Resume(string token)
    {
        if (_token is null || _name is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(_token)))
        {
            return null;
        }
        _connection++;
        Connected();
        // A new connection numbers its inputs afresh.
        _input.Reset();
        return await SaveAndReturn(Session());
    }

    /// <inheritdoc />
    public async Task Disconnected(int connection)
    {
        if (_token is null) return;
        if (connection != _connection)
        {
            // A report about a connection the player has already resumed from: the current one is fine.
            Log.StaleDisconnect(logger, GetPrimaryKeyString(), connection, _connection);
            return;
        }
        // Stop moving: the room applies a zero input next tick (same seq, so acks don't move).
        _input.StopMoving();
        _disconnectedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        StartGrace(ResumeGrace);
        Log.Disconnected(logger, GetPrimaryKeyString(), _roomId);
        await SaveAsync();
    }

    /// <inheritdoc />
    public async Task<JoinResult> JoinRoom(string roomId, string kind, string? password)
    {
        if (_name is null) throw new InvalidOperationException($"Player {GetPrimaryKeyString()} has no session; say hello first.");
        if (_roomId is not null && _roomId != roomId) await LeaveRoom();

        var result = await GrainFactory.GetGrain<IRoomGrain>(roomId).Join(new JoinRequest(GetPrimaryKeyString(), _name, kind, password));
        if (result.Joined is not null && _roomId != roomId)
        {
            _roomId = roomId;
            _input.Reset();
            await SaveAsync();
            await FollowRoom();
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<string?> LeaveRoom()
    {
        if (_roomId is not { } roomId) return null;
        _roomId = null;
        _input.Reset();
        await SaveAsync();
        await GrainFactory.GetGrain<IRoomGrain>(roomId).Leave(GetPrimaryKeyString());
        return roomId;
    }

    /// <inheritdoc />
    public async Task FollowRoom()
    {
        if (_roomId is null) return;
        var room = await ServiceProvider.GetRequiredService<IGrainDirectory>().Lookup(new GrainId("room", _roomId));
        var here = ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        if (room is null || room.Silo == here) return;
        // The room ticks on another silo: move there (placement puts a player with its room), so the room's
        // tick reads this player's inputs without leaving its process.
        Log.FollowingRoom(logger, GetPrimaryKeyString(), _roomId, room.Silo.ToString());
        MigrateOnIdle();
    }

    /// <inheritdoc />
    public Task SubmitInput(PlayerInput input)
    {
        if (_roomId is not null) _input.Submit(input);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<InputSample> TakeInput()
    {
        return Task.FromResult(_input.Take());
    }

    private PlayerSession Session() => new(GetPrimaryKeyString(), _name!, _token!, _roomId, _connection);

    /// <summary>While connected, a slow keep-alive timer keeps the session from idle collection.</summary>
    private void Connected()
    {
        _disconnectedAtMs = null;
        _presence?.Dispose();
        _presence = RegisterGrainTimer(static (_, _) => Task.CompletedTask, this,
            new GrainTimerCreationOptions(KeepAlivePeriod, KeepAlivePeriod) { KeepAlive = true });
    }

    private void StartGrace(TimeSpan left)
    {
        _presence?.Dispose();
        _presence = RegisterGrainTimer(static (self, _) => self.GraceExpiredAsync(), this,
            new GrainTimerCreationOptions(left, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task GraceExpiredAsync()
    {
        _presence?.Dispose();
        _presence = null;
        Log.SessionExpired(logger, GetPrimaryKeyString(), _roomId);
        _token = null;
        await LeaveRoom();
        await storage.ClearAsync(GrainId, CancellationToken.None);
        DeactivateOnIdle();
    }

    private Task SaveAsync()
        => _name is null || _token is null
            ? Task.CompletedTask
            : storage.WriteAsync(GrainId, new PlayerSessionState(_name, _token, _roomId, _disconnectedAtMs, _connection), CancellationToken.None);

    private async Task<PlayerSession> SaveAndReturn(PlayerSession session)
    {
        await SaveAsync();
        return session;
    }

    /// <summary>Player log messages, event ids 2100–2199.</summary>
    private static partial class Log
    {
        [LoggerMessage(2100, LogLevel.Debug, "Player {PlayerId} disconnected (room {RoomId}); seat kept for 30 s")]
        public static partial void Disconnected(ILogger logger, string playerId, string? roomId);

        [LoggerMessage(2103, LogLevel.Debug, "Player {PlayerId}: ignored the disconnect of connection {Stale}; connection {Current} is the current one")]
        public static partial void StaleDisconnect(ILogger logger, string playerId, int stale, int current);

        [LoggerMessage(2102, LogLevel.Debug, "Player {PlayerId} moves to the silo of its room {RoomId} ({Silo})")]
        public static partial void FollowingRoom(ILogger logger, string playerId, string roomId, string silo);

        [LoggerMessage(2101, LogLevel.Information, "Player {PlayerId} did not come back within 30 s; leaving room {RoomId}")]
        public static partial void SessionExpired(ILogger logger, string playerId, string? roomId);
    }
}
