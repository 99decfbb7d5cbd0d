using Game.Grains.Arena;
using Game.Grains.Interfaces;

namespace Game.Grains.Kinds.Pong;

/// <summary>
/// Two-player pong as plain, deterministic code (shared protocol.md v1.1, "Kind pong"): same seed and calls ⇒ same states
/// and events. Each <see cref="Step"/> is 1/30 s: paddles move by their held inputs, then the ball moves, bouncing off
/// the top and bottom walls and the paddles, until it leaves the court past a paddle (a point).
/// </summary>
/// <remarks>
/// <para>Geometry: the ball is a point; a paddle is a vertical segment <see cref="PaddleHeight"/> high at x =
/// <see cref="LeftX"/> or <see cref="RightX"/>, its centre kept within 40–460. The ball hits a paddle when it crosses the
/// paddle's line within the segment (ends included); it leaves at <see cref="MaxBounceDegrees"/> × (hit − centre) / 40
/// from horizontal, 5 % faster, at most <see cref="MaxSpeed"/>. A ball that misses goes on and scores when it reaches the
/// court's end (x = 0 or 800). Collisions are found in continuous time within the step, so nothing tunnels.</para>
/// <para>Sides: the first player takes the left. When a second player joins, a match starts: the one already seated
/// (the host: the longest present) moves to the left if it was on the right, the newcomer takes the right, paddles
/// are centred and the scores are 0–0. So the host is on the left whenever a match starts, and nobody changes sides
/// during a match (a leave ends the match: with one player the room is waiting).</para>
/// <para>Timing: a point or a new match puts the ball at rest at the centre and serves it <see cref="ServeDelayTicks"/>
/// steps (1 s) later, towards the side that conceded the last point (a coin flip for a new pair of players); the
/// serve's step shows the ball at the centre with its new velocity. At 11 the phase is over for
/// <see cref="OverTicks"/> steps (3 s) — paddles may move, the ball rests — and then a new match starts.
/// Randomness: SplitMix64 only; trigonometry: <see cref="Math.Sin"/>/<see cref="Math.Cos"/> (deterministic on one runtime
/// and machine; a moved room continues from its captured state, it is never replayed).</para>
/// </remarks>
public sealed class PongSimulation
{
    /// <summary>Steps per second.</summary>
    public const int TickHz = 30;

    /// <summary>The fixed step, seconds.</summary>
    public const double Dt = 1.0 / TickHz;

    /// <summary>The court's width.</summary>
    public const double Width = 800;

    /// <summary>The court's height.</summary>
    public const double Height = 500;

    /// <summary>The left paddle's x.</summary>
    public const double LeftX = 20;

    /// <summary>The right paddle's x.</summary>
    public const double RightX = 780;

    /// <summary>A paddle's height.</summary>
    public const double PaddleHeight = 80;

    /// <summary>A paddle's speed at full input, units per second.</summary>
    public const double PaddleSpeed = 300;

    /// <summary>The ball's speed when served, units per second.</summary>
    public const double ServeSpeed = 300;

    /// <summary>The ball's speed-up factor at each paddle hit.</summary>
    public const double SpeedUp = 1.05;

    /// <summary>The ball's top speed, units per second.</summary>
    public const double MaxSpeed = 900;

    /// <summary>The largest angle from horizontal of a serve, degrees.</summary>
    public const double MaxServeDegrees = 45;

    /// <summary>The angle from horizontal of a ball off a paddle's end, degrees (0 off its centre).</summary>
    public const double MaxBounceDegrees = 60;

    /// <summary>The score that wins a match.</summary>
    public const int WinningScore = 11;

    /// <summary>Steps from a point or a match's start to the serve: 1 s.</summary>
    public const int ServeDelayTicks = TickHz;

    /// <summary>Steps in the over phase: 3 s.</summary>
    public const int OverTicks = 3 * TickHz;

    private const double HalfPaddle = PaddleHeight / 2;
    private static readonly PongBall AtRest = new(Width / 2, Height / 2, 0, 0);

    private SplitMix64 _rng;
    private PongPaddle? _left;
    private PongPaddle? _right;
    private readonly List<PongEvent> _events = [];

    /// <summary>An empty court, waiting for players.</summary>
    /// <param name="seed">The random seed (serve directions).</param>
    public PongSimulation(ulong seed) => _rng = new SplitMix64(seed);

    /// <summary>Steps taken.</summary>
    public long Tick { get; private set; }

    /// <summary>Waiting, playing or over.</summary>
    public PongPhase Phase { get; private set; }

    /// <summary>The ball.</summary>
    public PongBall Ball { get; private set; } = AtRest;

    /// <summary>The step that serves the ball, or 0 (<see cref="PongState.ServeAtTick"/>).</summary>
    public long ServeAtTick { get; private set; }

    /// <summary>The step that starts the next match while over, or 0.</summary>
    public long OverUntilTick { get; private set; }

    /// <summary>The side that conceded the last point of this pair of players, or null.</summary>
    public PongSide? LastConceder { get; private set; }

    /// <summary>The left paddle, or null.</summary>
    public PongPaddle? Left => _left;

    /// <summary>The right paddle, or null.</summary>
    public PongPaddle? Right => _right;

    /// <summary>The last <see cref="Step"/>'s events, in order.</summary>
    public IReadOnlyList<PongEvent> Events => _events;

    /// <summary>The x of a side's paddle.</summary>
    public static double XOf(PongSide side) => side == PongSide.Left ? LeftX : RightX;

    /// <summary>The side of player <paramref name="playerId"/>, or null when not seated.</summary>
    public PongSide? SideOf(string playerId)
        => _left?.Id == playerId ? PongSide.Left : _right?.Id == playerId ? PongSide.Right : null;

    /// <summary>
    /// Seats a player: on the left in an empty court; else on the right, starting a match (see the remarks on sides).
    /// True when seated (or already seated); false when both sides are taken.
    /// </summary>
    public bool TryAddPlayer(string playerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        if (SideOf(playerId) is not null) return true;
        if (_left is not null && _right is not null) return false;
        if (_left is null && _right is null)
        {
            _left = new PongPaddle(playerId, 0, Height / 2, 0, 0, 0, 0);
            return true;
        }

        PongPaddle stayer = (_left ?? _right)!.Value;
        _left = stayer with { Y = Height / 2, Vy = 0 };
        _right = new PongPaddle(playerId, 1 - stayer.ColorSlot, Height / 2, 0, 0, 0, 0);
        LastConceder = null; // a new pair: the first serve is a coin flip
        StartMatch();
        return true;
    }

    /// <summary>Unseats a player; the match ends and the room waits (the other keeps its side until a match starts). False when not seated.</summary>
    public bool RemovePlayer(string playerId)
    {
        switch (SideOf(playerId))
        {
            case PongSide.Left: _left = null; break;
            case PongSide.Right: _right = null; break;
            default: return false;
        }

        if (_left is { } l) _left = l with { Vy = 0, Score = 0 };
        if (_right is { } r) _right = r with { Vy = 0, Score = 0 };
        Phase = PongPhase.Waiting;
        Ball = AtRest;
        ServeAtTick = 0;
        OverUntilTick = 0;
        LastConceder = null;
        return true;
    }

    /// <summary>
    /// A player's newest input: <see cref="InputSample.Vy"/> (clamped to [-1, 1], non-finite = 0) is held until the next,
    /// and <see cref="InputSample.Seq"/> becomes its ack. Ignored without <see cref="InputSample.HasInput"/> or when not seated.
    /// <see cref="InputSample.Vx"/> and <see cref="InputSample.Attack"/> are ignored.
    /// </summary>
    public void SetInput(string playerId, in InputSample input)
    {
        if (!input.HasInput) return;
        double axis = float.IsFinite(input.Vy) ? Math.Clamp(input.Vy, -1f, 1f) : 0;
        switch (SideOf(playerId))
        {
            case PongSide.Left: _left = _left!.Value with { InputY = axis, Ack = input.Seq }; break;
            case PongSide.Right: _right = _right!.Value with { InputY = axis, Ack = input.Seq }; break;
        }
    }

    /// <summary>One step of 1/30 s; <see cref="Events"/> then holds its points and match end.</summary>
    public void Step()
    {
        _events.Clear();
        Tick++;
        if (Phase == PongPhase.Waiting) return; // nothing moves

        _left = Move(_left!.Value);
        _right = Move(_right!.Value);
        if (Phase == PongPhase.Over)
        {
            if (Tick >= OverUntilTick) StartMatch();
            return;
        }

        if (ServeAtTick != 0)
        {
            if (Tick >= ServeAtTick) Serve();
            return;
        }

        MoveBall();
    }

    private static PongPaddle Move(PongPaddle p)
    {
        double vy = PaddleSpeed * p.InputY;
        double wanted = p.Y + vy * Dt;
        double y = Math.Clamp(wanted, HalfPaddle, Height - HalfPaddle);
        return p with { Y = y, Vy = y == wanted ? vy : (y - p.Y) / Dt };
    }

    private void StartMatch()
    {
        _left = _left!.Value with { Score = 0 };
        _right = _right!.Value with { Score = 0 };
        Phase = PongPhase.Playing;
        Ball = AtRest;
        OverUntilTick = 0;
        ServeAtTick = Tick + ServeDelayTicks;
    }

    private void Serve()
    {
        PongSide toward = LastConceder ?? (_rng.NextUInt64() >> 63 == 0 ? PongSide.Left : PongSide.Right);
        double angle = (NextUnit() * 2 - 1) * MaxServeDegrees * Math.PI / 180;
        double direction = toward == PongSide.Left ? -1 : 1;
        Ball = new PongBall(Width / 2, Height / 2, direction * ServeSpeed * Math.Cos(angle), ServeSpeed * Math.Sin(angle));
        ServeAtTick = 0;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    private double NextUnit() => (_rng.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    // Moves the ball through one step in continuous time: the earliest of paddle line, wall and court end first, then
    // the rest of the step from there.
    private void MoveBall()
    {
        var (x, y, vx, vy) = Ball;
        double left = Dt;
        for (int events = 0; events < 16; events++)
        {
            double tPaddle = vx < 0 && x > LeftX ? (LeftX - x) / vx
                : vx > 0 && x < RightX ? (RightX - x) / vx
                : double.PositiveInfinity;
            double tWall = vy < 0 ? y / -vy : vy > 0 ? (Height - y) / vy : double.PositiveInfinity;
            double tEnd = vx < 0 ? x / -vx : vx > 0 ? (Width - x) / vx : double.PositiveInfinity;
            double t = Math.Min(tPaddle, Math.Min(tWall, tEnd));
            if (t > left)
            {
                x += vx * left;
                y += vy * left;
                break;
            }

            x += vx * t;
            y = Math.Clamp(y + vy * t, 0, Height);
            left -= t;
            if (t == tPaddle)
            {
                PongSide side = vx < 0 ? PongSide.Left : PongSide.Right;
                x = XOf(side);
                PongPaddle paddle = (side == PongSide.Left ? _left : _right)!.Value;
                double offset = (y - paddle.Y) / HalfPaddle;
                if (Math.Abs(offset) <= 1)
                {
                    double speed = Math.Min(Math.Sqrt(vx * vx + vy * vy) * SpeedUp, MaxSpeed);
                    double angle = offset * MaxBounceDegrees * Math.PI / 180;
                    vx = (side == PongSide.Left ? 1 : -1) * speed * Math.Cos(angle);
                    vy = speed * Math.Sin(angle);
                }
                // else: missed; it goes on past the paddle (no more paddle checks: x is on the line, not inside it)
            }
            else if (t == tWall)
            {
                y = vy < 0 ? 0 : Height;
                vy = -vy;
            }
            else
            {
                Point(conceder: vx < 0 ? PongSide.Left : PongSide.Right);
                return;
            }
        }

        Ball = new PongBall(x, y, vx, vy);
    }

    private void Point(PongSide conceder)
    {
        PongPaddle scorer;
        if (conceder == PongSide.Left) _right = scorer = _right!.Value with { Score = _right.Value.Score + 1 };
        else _left = scorer = _left!.Value with { Score = _left.Value.Score + 1 };
        LastConceder = conceder;
        Ball = AtRest;
        _events.Add(EventOf(PongEventKind.Point, scorer.Id));
        if (scorer.Score >= WinningScore)
        {
            Phase = PongPhase.Over;
            OverUntilTick = Tick + OverTicks;
            _events.Add(EventOf(PongEventKind.MatchOver, scorer.Id));
        }
        else
        {
            ServeAtTick = Tick + ServeDelayTicks;
        }
    }

    private PongEvent EventOf(PongEventKind kind, string playerId)
        => new(kind, playerId, _left!.Value.Id, _left.Value.Score, _right!.Value.Id, _right.Value.Score);

    /// <summary>The complete state between steps (for checkpoints and migration).</summary>
    public PongState Capture() => new(Tick, _rng.State, Phase, Ball, ServeAtTick, OverUntilTick, LastConceder, _left, _right);

    /// <summary>
    /// Rebuilds a simulation from <see cref="Capture"/>: given the same later calls it continues exactly as the captured
    /// one would have. <see cref="Events"/> starts empty.
    /// </summary>
    /// <exception cref="ArgumentException">The state is inconsistent: a paddle without id, with a shared id or colour slot,
    /// off the court or with an input outside [-1, 1]; a score outside 0–11; a phase that does not fit the players
    /// (waiting ⇔ fewer than two); a ball off the court, faster than 900, or moving while a serve is due; a serve or match
    /// start not after <see cref="PongState.Tick"/>.</exception>
    public static PongSimulation Restore(PongState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Require(state.Tick >= 0, "Tick is negative.");
        foreach (var p in new[] { state.Left, state.Right })
        {
            if (p is not { } paddle) continue;
            Require(!string.IsNullOrEmpty(paddle.Id), "A paddle has no player id.");
            Require(paddle.ColorSlot is 0 or 1, $"Paddle {paddle.Id} has colour slot {paddle.ColorSlot}; 0 or 1 expected.");
            Require(paddle.Y >= HalfPaddle && paddle.Y <= Height - HalfPaddle && double.IsFinite(paddle.Vy),
                $"Paddle {paddle.Id} is off the court.");
            Require(paddle.InputY >= -1 && paddle.InputY <= 1, $"Paddle {paddle.Id}'s input is outside [-1, 1].");
            Require(paddle.Score >= 0 && paddle.Score <= WinningScore, $"Paddle {paddle.Id}'s score is outside 0–{WinningScore}.");
        }

        bool both = state.Left is not null && state.Right is not null;
        if (both)
        {
            Require(state.Left!.Value.Id != state.Right!.Value.Id, "The same player is on both sides.");
            Require(state.Left.Value.ColorSlot != state.Right.Value.ColorSlot, "Both paddles have the same colour slot.");
        }

        var ball = state.Ball;
        Require(ball.X >= 0 && ball.X <= Width && ball.Y >= 0 && ball.Y <= Height && double.IsFinite(ball.Vx) && double.IsFinite(ball.Vy),
            "The ball is off the court.");
        double speed = Math.Sqrt(ball.Vx * ball.Vx + ball.Vy * ball.Vy);
        Require(speed <= MaxSpeed + 1e-9, $"The ball's speed {speed} exceeds {MaxSpeed}.");
        switch (state.Phase)
        {
            case PongPhase.Waiting:
                Require(!both, "Waiting with two players.");
                Require(state.Left is not { Score: not 0 } && state.Right is not { Score: not 0 }, "Waiting with a score.");
                Require(ball == AtRest && state.ServeAtTick == 0 && state.OverUntilTick == 0, "Waiting with the ball or a timer running.");
                break;
            case PongPhase.Playing:
                Require(both, "Playing without two players.");
                Require(state.Left!.Value.Score < WinningScore && state.Right!.Value.Score < WinningScore, "Playing with a winner.");
                Require(state.OverUntilTick == 0, "Playing with a match start due.");
                Require(state.ServeAtTick == 0 ? speed > 0 : state.ServeAtTick > state.Tick && ball == AtRest,
                    "The ball must move in play, or rest at the centre until a serve due after Tick.");
                break;
            case PongPhase.Over:
                Require(both, "Over without two players.");
                Require(state.Left!.Value.Score == WinningScore || state.Right!.Value.Score == WinningScore, "Over without a winner.");
                Require(state.OverUntilTick > state.Tick && state.ServeAtTick == 0 && ball == AtRest,
                    "Over must rest the ball and start the next match after Tick.");
                break;
            default:
                throw new ArgumentException($"Unknown phase {state.Phase}.", nameof(state));
        }

        return new PongSimulation(state.RngState)
        {
            Tick = state.Tick,
            Phase = state.Phase,
            Ball = ball,
            ServeAtTick = state.ServeAtTick,
            OverUntilTick = state.OverUntilTick,
            LastConceder = state.LastConceder,
            _left = state.Left,
            _right = state.Right,
        };
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message, "state");
    }
}
