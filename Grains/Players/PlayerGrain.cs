using System.Security.Cryptography;
using System.Text;
using Game.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Streams;

namespace Game.Grains.Players;

/// <summary>
/// One player session: name, resume token, current room.
/// </summary>
/// <remarks>
/// <para>While connected, the activation is exempt from idle collection (<c>DelayDeactivation</c>); after <see cref="Disconnected"/> the seat is kept for
/// <see cref="ResumeGrace"/> (protocol.md: the token resumes the session within 30 s), then the player leaves its room
/// and the session ends. The session is persisted on every change, so the player resumes on another silo if this one
/// stops or dies.</para>
/// <para>Inputs do not pass through here: the gateway sends each one-way to the room, which keeps the newest per seat
/// (<see cref="IRoomGrain.Input"/>); why: docs/orleans.md, "Where inputs live".</para>
/// </remarks>
public sealed partial class PlayerGrain(
    [PersistentState("player", GameStorage.Name)] IPersistentState<PlayerSessionState> session,
    TimeProvider time,
    ILogger<PlayerGrain> logger) : Grain, IPlayerGrain
{
    /// <summary>How long a dropped player keeps its session and seat (protocol.md: 30 s).</summary>
    public static readonly TimeSpan ResumeGrace = TimeSpan.FromSeconds(30);

    private IGrainTimer? _grace;

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
    public async Task<PlayerSession> StartSession(string name, string? gateway = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        State.Name = name;
        State.Gateway = gateway;
        State.Token = $"{this.GetPrimaryKeyString()}.{Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_')}";
        State.RoomId = null;
        State.Connection = 1;
        Connected();
        await session.WriteStateAsync();
        return Session();
    }

    /// <inheritdoc />
    public async Task<PlayerSession?> Resume(string token, string? gateway = null)
    {
        if (State.Token is not { } current || State.Name is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(current)))
        {
            return null;
        }
        State.Connection++;
        State.Gateway = gateway;
        Connected();
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
        if (State.RoomId is { } roomId) GrainFactory.GetGrain<IRoomGrain>(roomId).StopMoving(this.GetPrimaryKeyString()).Ignore();
        State.DisconnectedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        StartGrace(ResumeGrace);
        Log.Disconnected(logger, this.GetPrimaryKeyString(), State.RoomId);
        await session.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<JoinResult> JoinRoom(string roomId, string kind, string? password, int? max = null)
    {
        if (State.Name is null) throw new InvalidOperationException($"Player {this.GetPrimaryKeyString()} has no session; say hello first.");
        if (State.RoomId is not null && State.RoomId != roomId) await LeaveRoom();

        var room = GrainFactory.GetGrain<IRoomGrain>(roomId);
        var result = await room.Join(new JoinRequest(this.GetPrimaryKeyString(), State.Name, kind, password, max));
        if (result.Joined is not null && State.RoomId != roomId)
        {
            State.RoomId = roomId;
            try
            {
                await session.WriteStateAsync();
            }
            catch (Exception ex)
            {
                // A seat exists only while its player holds it: the session could not record this one (storage is down),
                // so the join fails and the seat is given back, rather than left to a player who was told "unavailable".
                State.RoomId = null;
                Log.JoinUndone(logger, ex, this.GetPrimaryKeyString(), roomId);
                await room.Leave(this.GetPrimaryKeyString());
                throw;
            }
        }
        return result;
    }

    /// <inheritdoc />
    public async Task<bool> Whisper(WhisperEvent whisper)
    {
        ArgumentNullException.ThrowIfNull(whisper);
        if (State.Token is null || State.DisconnectedAtMs is not null || State.Gateway is not { } gateway) return false;
        await this.GetStreamProvider(RoomStreams.Provider).GetStream<GatewayEvent>(GatewayStreams.For(gateway)).OnNextAsync(whisper);
        return true;
    }

    /// <inheritdoc />
    public Task<bool> HoldsSeatIn(string roomId) => Task.FromResult(State.RoomId == roomId);

    /// <inheritdoc />
    public async Task<string?> LeaveRoom()
    {
        if (State.RoomId is not { } roomId) return null;
        State.RoomId = null;
        await session.WriteStateAsync();
        await GrainFactory.GetGrain<IRoomGrain>(roomId).Leave(this.GetPrimaryKeyString());
        return roomId;
    }

    private PlayerSession Session() => new(this.GetPrimaryKeyString(), State.Name!, State.Token!, State.RoomId, State.Connection);

    /// <summary>
    /// While connected, the activation is exempt from idle collection (Orleans's <c>DelayDeactivation</c> without end,
    /// undone by <see cref="StartGrace"/>): no timer per connected player (docs/performance.md, "Third pass").
    /// </summary>
    private void Connected()
    {
        State.DisconnectedAtMs = null;
        _grace?.Dispose();
        _grace = null;
        DelayDeactivation(Timeout.InfiniteTimeSpan);
    }

    private void StartGrace(TimeSpan left)
    {
        DelayDeactivation(TimeSpan.FromTicks(-1)); // no longer exempt from idle collection; the grace timer ends the session
        _grace?.Dispose();
        _grace = this.RegisterGrainTimer(static (self, _) => self.GraceExpiredAsync(), this,
            new GrainTimerCreationOptions(left, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task GraceExpiredAsync()
    {
        _grace?.Dispose();
        _grace = null;
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

        [LoggerMessage(2104, LogLevel.Warning, "Player {PlayerId}: its session could not record the seat in room {RoomId}; the seat is given back and the join fails")]
        public static partial void JoinUndone(ILogger logger, Exception exception, string playerId, string roomId);

        [LoggerMessage(2103, LogLevel.Debug, "Player {PlayerId}: ignored the disconnect of connection {Stale}; connection {Current} is the current one")]
        public static partial void StaleDisconnect(ILogger logger, string playerId, int stale, int current);
    }
}
