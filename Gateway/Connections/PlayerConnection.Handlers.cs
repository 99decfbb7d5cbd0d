using Game.Gateway.Cluster;
using Game.Gateway.Sessions;
using Game.Grains.Interfaces;
using Game.Protocol;

namespace Game.Gateway.Connections;

/// <summary>One handler per client message type (shared protocol.md, "Client → server").</summary>
internal sealed partial class PlayerConnection
{
    private const string UnavailableMessage = "the game service is unreachable; try again";
    private const string NotInRoomMessage = "join a room first";

    /// <summary>Handles one valid message. A grain call that throws (unreachable, timeout) gives <c>error unavailable</c>; the connection stays open.</summary>
    /// <param name="message">The parsed message.</param>
    /// <param name="json">For a kind message (<c>relay</c>, <c>draw</c>, <c>clear</c>): its JSON text as received, which the room's kind reads.</param>
    private async Task DispatchAsync(ClientMessage message, string? json = null)
    {
        if (_playerId is null && message.Type is not (ClientMessageType.Hello or ClientMessageType.Time))
        {
            Log.BadMessage(_logger, ConnectionId, ErrorCode.BadRequest, "before hello");
            SendError(ErrorCode.BadRequest, "send hello first; only hello and time are allowed before welcome");
            return;
        }

        try
        {
            switch (message.Type)
            {
                case ClientMessageType.Hello: await HelloAsync(message.Name!, message.Token, message.Encoding).ConfigureAwait(false); break;
                case ClientMessageType.Time: ReplyTime(message.ClientTime); break;
                case ClientMessageType.Rooms: await RoomsAsync(message.Watch).ConfigureAwait(false); break;
                case ClientMessageType.Join: await JoinWithPasswordLimitAsync(message).ConfigureAwait(false); break;
                case ClientMessageType.Relay or ClientMessageType.Draw or ClientMessageType.Clear:
                    await KindMessageAsync(message.Type, json!).ConfigureAwait(false);
                    break;
                case ClientMessageType.Input: await InputAsync(message.Input).ConfigureAwait(false); break;
                case ClientMessageType.Chat: await ChatAsync(message.Text!, message.To).ConfigureAwait(false); break;
                case ClientMessageType.Leave: await LeaveAsync().ConfigureAwait(false); break;
            }
        }
        catch (Exception ex)
        {
            Log.GrainCallFailed(_logger, ex, ConnectionId, message.Type.ToString());
            SendError(ErrorCode.Unavailable, UnavailableMessage);
        }
    }

    /// <summary>
    /// <c>hello</c>: resumes the session of <paramref name="token"/> (same id; re-seated in its room, announced with
    /// <c>joined</c>) or starts a new one under a new server-made id; replies <c>welcome</c>, echoing the connection's
    /// <paramref name="encoding"/> (docs/protocol-binary.md), which holds from then on.
    /// </summary>
    private async Task HelloAsync(string name, string? token, WireEncoding encoding)
    {
        if (_playerId is not null)
        {
            SendError(ErrorCode.BadRequest, "already welcomed; hello is sent once per connection");
            return;
        }

        _helloInFlight = true;
        try
        {
            await WelcomeAsync(name, token, encoding).ConfigureAwait(false);
        }
        finally
        {
            _helloInFlight = false;
        }
    }

    /// <summary>The session part of <see cref="HelloAsync"/>.</summary>
    private async Task WelcomeAsync(string name, string? token, WireEncoding encoding)
    {
        PlayerSession? session = null;
        if (token is not null && PlayerIds.TryFromToken(token, out var claimedId))
        {
            // A socket of this player that just closed may still be reporting it; that must land before the resume.
            await _sessions.PendingDisconnect(claimedId).ConfigureAwait(false);
            session = await _grains.GetGrain<IPlayerGrain>(claimedId).Resume(token, _gatewayId).ConfigureAwait(false);
        }
        var resumed = session is not null;
        session ??= await StartSessionAsync(name).ConfigureAwait(false);

        _player = _grains.GetGrain<IPlayerGrain>(session.PlayerId);
        _connectionNumber = session.Connection;
        _encoding = encoding;
        _playerId = session.PlayerId;
        _helloTimer?.Dispose(); // welcomed: the hello deadline no longer applies
        _admission?.Welcomed();
        _sessions.Claim(session.PlayerId, this)?.Supersede();
        ReplyWriter.WriteWelcome(Reply(), session.PlayerId, session.Token, Now(), encoding);
        Send(TakeReply());
        Log.Welcomed(_logger, ConnectionId, session.PlayerId, resumed, encoding);

        if (resumed && session.RoomId is { } roomId)
        {
            var request = new JoinRequest(session.PlayerId, session.Name, ProtocolLimits.DefaultRoomKind, null);
            await JoinAsync(roomId, () => _grains.GetGrain<IRoomGrain>(roomId).Join(request)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts a session under a new player id. A new id is a new grain, placed and registered anew: when that fails
    /// (its directory partition or chosen silo was on a silo that just died and is not yet declared dead), another try
    /// with another id lands elsewhere once membership has caught up, so a fresh player is not turned away during a
    /// failover. Each of the first <see cref="HelloAttemptsWithDeadline"/> tries may take <see cref="HelloAttemptDeadline"/>
    /// (a silo that froze answers nothing until membership declares it dead, 3–4 s here), and one that takes longer is
    /// followed at once by the next; so is a first try that failed otherwise. When Orleans could not deliver the call,
    /// the next try waits as <see cref="RejectionRetry"/> says.
    /// </summary>
    /// <exception cref="Exception">The tries failed (the caller answers <c>unavailable</c>).</exception>
    private Task<PlayerSession> StartSessionAsync(string name) => RejectionRetry.CallAsync(
        attempt =>
        {
            var start = _grains.GetGrain<IPlayerGrain>(PlayerIds.New()).StartSession(name, _gatewayId);
            return attempt < HelloAttemptsWithDeadline ? start.WaitAsync(HelloAttemptDeadline) : start;
        },
        _time,
        (ex, delay) => Log.GrainCallRetrying(_logger, ex, ConnectionId, "hello (under another id next)", delay),
        (ex, attempt) => RejectionRetry.RetryAfter(ex, attempt)
            ?? (attempt == 0 || (ex is TimeoutException && attempt < HelloAttemptsWithDeadline) ? TimeSpan.Zero : null));

    /// <summary>How long each of the first tries of a new session may take before the next, under another id. <value>2 seconds.</value></summary>
    private static readonly TimeSpan HelloAttemptDeadline = TimeSpan.FromSeconds(2);

    /// <summary>How many tries of a new session have <see cref="HelloAttemptDeadline"/>; the one after waits for Orleans's own call timeout. <value>3.</value></summary>
    private const int HelloAttemptsWithDeadline = 3;

    /// <summary><c>time</c>: echoes <c>t</c> with the server's clock.</summary>
    private void ReplyTime(double clientTime)
    {
        ReplyWriter.WriteTime(Reply(), clientTime, Now());
        Send(TakeReply());
    }

    /// <summary><c>rooms</c>: the lobby's list.</summary>
    /// <param name="watch">True: push the list again whenever it changes (at most twice a second) until a join or <c>watch: false</c>; null leaves watching as it is.</param>
    private async Task RoomsAsync(bool? watch)
    {
        if (watch is { } w) _watchers.Set(this, w);
        var rooms = await _grains.GetGrain<ILobbyGrain>(ILobbyGrain.Key).List().ConfigureAwait(false);
        ReplyWriter.WriteRooms(Reply(), [.. rooms.OrderBy(r => r.Id, NaturalStringComparer.Instance)]); // natural order, protocol v1.1
        Send(TakeReply());
    }

    /// <summary>
    /// <c>input</c>: rate-limited, then sent one-way to the room the connection is seated in, which keeps the newest per
    /// seat for its next tick; its effect shows in <c>map</c>. The player id is the connection's, never the client's.
    /// </summary>
    private Task InputAsync(PlayerInput input)
    {
        if (Seat is not { } seat)
        {
            SendError(ErrorCode.NotInRoom, NotInRoomMessage);
            return Task.CompletedTask;
        }
        if (!AcceptInput()) return Task.CompletedTask;
        if (InputCoalescer.Current is { } coalescer)
        {
            coalescer.Add(seat, _playerId!, input);
            return Task.CompletedTask;
        }
        Diagnostics.GatewayMetrics.RecordInputCall();
        return seat.Room.Input(_playerId!, input);
    }

    /// <summary>The input rate limit (<see cref="GatewayOptions.MaxInputsPerSecond"/>): false, and the excess noticed now and then, when over it.</summary>
    private bool AcceptInput()
    {
        if (_rateLimiter.TryAccept()) return true;
        Diagnostics.GatewayMetrics.RecordRateLimited(ClientMessageType.Input);
        if (_rateLimiter.ShouldNotify())
        {
            Log.RateLimited(_logger, ConnectionId, _playerId, _options.MaxInputsPerSecond);
            SendError(ErrorCode.RateLimited, $"more than {_options.MaxInputsPerSecond} inputs per second; the excess is dropped");
        }
        return false;
    }

    /// <summary>
    /// A kind message (<c>relay</c>, <c>draw</c>, <c>clear</c>; shared protocol.md v1.1): rate-limited per type, then
    /// sent to the room the connection is seated in, whose kind handles it; its refusal comes back as <c>error</c>.
    /// </summary>
    private async Task KindMessageAsync(ClientMessageType type, string json)
    {
        if (Seat is not { } seat)
        {
            SendError(ErrorCode.NotInRoom, NotInRoomMessage);
            return;
        }
        var wire = type switch { ClientMessageType.Relay => "relay", ClientMessageType.Draw => "draw", _ => "clear" };
        var limiter = type switch
        {
            ClientMessageType.Relay => _relayLimiter ??= new MessageRateLimit(_time, MaxRelayPerSecond, _options.RateLimitNoticeInterval),
            ClientMessageType.Draw => _drawLimiter ??= new MessageRateLimit(_time, MaxDrawPerSecond, _options.RateLimitNoticeInterval),
            _ => null,
        };
        if (limiter is not null && !limiter.TryAccept())
        {
            Diagnostics.GatewayMetrics.RecordRateLimited(type);
            if (limiter.ShouldNotify()) SendError(ErrorCode.RateLimited, $"too many '{wire}' messages per second; the excess is dropped");
            return;
        }
        if (await seat.Room.Message(_playerId!, new KindMessage(wire, json)).ConfigureAwait(false) is { } refused)
        {
            SendError(refused.Error, refused.Message);
        }
    }

    /// <summary>
    /// <c>chat</c>: at most 5 per second (shared protocol.md v1.1). Without <paramref name="to"/>, to the room, which
    /// sends it to everyone in it (the sender included). With it, a whisper: to that player wherever it is connected
    /// (its player grain sends it to its gateway), and back to the sender; <c>unknown_player</c> when it is not online.
    /// </summary>
    private async Task ChatAsync(string text, string? to)
    {
        _chatLimiter ??= new MessageRateLimit(_time, MaxChatPerSecond, _options.RateLimitNoticeInterval);
        if (!_chatLimiter.TryAccept())
        {
            Diagnostics.GatewayMetrics.RecordRateLimited(ClientMessageType.Chat);
            if (_chatLimiter.ShouldNotify()) SendError(ErrorCode.RateLimited, $"more than {MaxChatPerSecond} chat messages per second; the excess is dropped");
            return;
        }
        if (to is not null)
        {
            var whisper = new WhisperEvent(to, _playerId!, text, Now());
            if (!await _grains.GetGrain<IPlayerGrain>(to).Whisper(whisper).ConfigureAwait(false))
            {
                SendError(ErrorCode.UnknownPlayer, $"no player '{to}' is online");
                return;
            }
            ReplyWriter.WriteChat(Reply(), whisper.From, whisper.Text, whisper.Time, whisper.To);
            Send(TakeReply());
            return;
        }
        if (SeatedRoom is not { } roomId)
        {
            SendError(ErrorCode.NotInRoom, NotInRoomMessage);
            return;
        }
        if (await _grains.GetGrain<IRoomGrain>(roomId).Chat(_playerId!, text).ConfigureAwait(false) is { } error)
        {
            SendError(error, error == ErrorCode.NotInRoom ? NotInRoomMessage : "chat refused");
        }
    }

    /// <summary>
    /// <c>join</c>, with this connection's wrong-password limit (shared protocol.md v1.1, "Connections and operators"): after
    /// <see cref="MaxWrongPasswordsPerMinute"/> <c>wrong_password</c> answers to joins that carried a password within a
    /// minute, every join that carries a password is answered <c>rate_limited</c> without asking the room (the right
    /// password too, and so also creating a locked room) until the oldest of them is a minute old (to the second: the
    /// window slides in one-second segments). A join without a password is no guess: it is neither counted nor limited (a locked room answers it "a password is needed"). The
    /// room has its own limit across all connections (20 a minute).
    /// </summary>
    private async Task JoinWithPasswordLimitAsync(ClientMessage message)
    {
        var player = _player!;
        var password = message.Password;
        if (string.IsNullOrEmpty(password))
        {
            await JoinAsync(message.Room!, () => player.JoinRoom(message.Room!, message.Kind!, password, message.Max)).ConfigureAwait(false);
            return;
        }
        _passwordAttempts ??= new Grains.Limits.TimeProviderSlidingWindow(_time, MaxWrongPasswordsPerMinute, TimeSpan.FromMinutes(1), segmentsPerWindow: 60);
        if (_passwordAttempts.IsExhausted)
        {
            _watchers.Set(this, false); // any join ends watching the lobby, as JoinAsync does
            Log.PasswordRateLimited(_logger, ConnectionId, _playerId, MaxWrongPasswordsPerMinute);
            SendError(ErrorCode.RateLimited, $"{MaxWrongPasswordsPerMinute} wrong passwords within a minute on this connection; joins with a password are refused until a minute has passed");
            return;
        }
        await JoinAsync(message.Room!, async () =>
        {
            var result = await player.JoinRoom(message.Room!, message.Kind!, password, message.Max).ConfigureAwait(false);
            if (result.Error == ErrorCode.WrongPassword) _passwordAttempts.TryAcquire(); // one is free: checked above, and the receive loop runs one message at a time
            return result;
        }).ConfigureAwait(false);
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
