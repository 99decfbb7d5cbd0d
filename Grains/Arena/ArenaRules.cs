namespace Game.Grains.Arena;

/// <summary>
/// The tunable numbers of the arena game. Every default is the value in the arena rules of the shared
/// protocol.md ("The arena game" table); rooms of other sizes (e.g. the load tests' 16- and 32-player rooms)
/// use an instance with different values.
/// </summary>
/// <remarks>
/// Immutable once built (init-only properties). <see cref="ArenaSimulation"/> calls <see cref="Validate"/> on
/// construction and on restore, so nonsense values fail early with <see cref="ArgumentOutOfRangeException"/>.
/// </remarks>
public sealed class ArenaRules
{
    /// <summary>Largest accepted <see cref="MaxPlayers"/>; generated colours are checked distinct up to this many seats.</summary>
    public const int MaxSupportedPlayers = 256;

    /// <summary>Largest accepted world side, world units (keeps float positions precise to well under a unit).</summary>
    public const int MaxWorldSize = 1_000_000;

    /// <summary>Largest accepted <see cref="TickHz"/>: above it a tick would be shorter than the 1 ms clock resolution.</summary>
    public const int MaxTickHz = 1000;

    /// <summary>The protocol's rules, unchanged (protocol.md, "The arena game").</summary>
    public static ArenaRules Default { get; } = new();

    /// <summary>World width, world units; positions are clamped to [0, <see cref="WorldWidth"/>].</summary>
    /// <value>Default 1000 (protocol.md: "world 1000 × 1000"). Range 1–<see cref="MaxWorldSize"/>.</value>
    public int WorldWidth { get; init; } = 1000;

    /// <summary>World height, world units; positions are clamped to [0, <see cref="WorldHeight"/>].</summary>
    /// <value>Default 1000 (protocol.md: "world 1000 × 1000"). Range 1–<see cref="MaxWorldSize"/>.</value>
    public int WorldHeight { get; init; } = 1000;

    /// <summary>Simulation steps per second, Hz; each <see cref="ArenaSimulation.Step"/> advances the simulation clock by 1000 / TickHz ms.</summary>
    /// <value>Default 20 (protocol.md: "tick 20 Hz"). Range 1–<see cref="MaxTickHz"/>.</value>
    public int TickHz { get; init; } = 20;

    /// <summary>Movement speed at full input, world units per second.</summary>
    /// <value>Default 200 (protocol.md: "200 units/s at full input"). Must be finite and &gt; 0.</value>
    public float Speed { get; init; } = 200f;

    /// <summary>Seats in a room.</summary>
    /// <value>Default 8 (protocol.md: "players per room 8"). Range 1–<see cref="MaxSupportedPlayers"/>.</value>
    public int MaxPlayers { get; init; } = 8;

    /// <summary>Hit points at spawn and respawn.</summary>
    /// <value>Default 100 (protocol.md: "hp 100 at spawn"). Must be ≥ 1.</value>
    public int MaxHp { get; init; } = 100;

    /// <summary>Hit points an effective attack takes from each living player in range.</summary>
    /// <value>Default 10 (protocol.md: "an attack deals 10"). Must be ≥ 1.</value>
    public int AttackDamage { get; init; } = 10;

    /// <summary>Attack reach, world units: a target at a distance ≤ this from the attacker is hit.</summary>
    /// <value>Default 100 (protocol.md: "within 100 units"). Must be finite and ≥ 0.</value>
    public float AttackRange { get; init; } = 100f;

    /// <summary>Minimum simulation time between two effective attacks of one player, ms; sooner attacks are ignored.</summary>
    /// <value>Default 500 (protocol.md: "attack cooldown 500 ms"). Must be ≥ 0.</value>
    public long AttackCooldownMs { get; init; } = 500;

    /// <summary>Simulation time from death to respawn, ms.</summary>
    /// <value>Default 2000 (protocol.md: "respawn after 2 s"). Must be ≥ 0.</value>
    public long RespawnDelayMs { get; init; } = 2000;

    /// <summary>Checks every value against its documented range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its documented range; the message names it.</exception>
    public void Validate()
    {
        Check(WorldWidth is >= 1 and <= MaxWorldSize, WorldWidth, nameof(WorldWidth), $"must be 1–{MaxWorldSize}");
        Check(WorldHeight is >= 1 and <= MaxWorldSize, WorldHeight, nameof(WorldHeight), $"must be 1–{MaxWorldSize}");
        Check(TickHz is >= 1 and <= MaxTickHz, TickHz, nameof(TickHz), $"must be 1–{MaxTickHz}");
        Check(float.IsFinite(Speed) && Speed > 0f, Speed, nameof(Speed), "must be finite and > 0");
        Check(MaxPlayers is >= 1 and <= MaxSupportedPlayers, MaxPlayers, nameof(MaxPlayers), $"must be 1–{MaxSupportedPlayers}");
        Check(MaxHp >= 1, MaxHp, nameof(MaxHp), "must be ≥ 1");
        Check(AttackDamage >= 1, AttackDamage, nameof(AttackDamage), "must be ≥ 1");
        Check(float.IsFinite(AttackRange) && AttackRange >= 0f, AttackRange, nameof(AttackRange), "must be finite and ≥ 0");
        Check(AttackCooldownMs >= 0, AttackCooldownMs, nameof(AttackCooldownMs), "must be ≥ 0");
        Check(RespawnDelayMs >= 0, RespawnDelayMs, nameof(RespawnDelayMs), "must be ≥ 0");
    }

    /// <summary>The simulation time after <paramref name="tick"/> steps, ms: <c>tick * 1000 / TickHz</c>, rounded down.</summary>
    /// <param name="tick">Steps taken, ≥ 0.</param>
    public long TimeAtTick(long tick) => tick * 1000 / TickHz;

    private static void Check(bool ok, object value, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"ArenaRules.{name} {rule}.");
        }
    }
}
