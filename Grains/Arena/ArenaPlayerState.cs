using Game.Grains.Interfaces;
using Orleans;

namespace Game.Grains.Arena;

/// <summary>One seated player's state in the arena (arena rules: shared protocol.md).</summary>
/// <remarks>
/// An immutable value; the simulation replaces it as it changes. <see cref="JoinOrder"/> orders players for the host
/// hand-over and for attack resolution. Time fields are on the simulation clock (<see cref="ArenaSimulation.TimeMs"/>),
/// where 0 is reserved for "never" / "alive" because every step's time is ≥ 1 ms.
/// </remarks>
[GenerateSerializer, Alias("game.ArenaPlayerState"), Immutable]
public readonly record struct ArenaPlayerState
{
    /// <summary>Player id (server-assigned, never from the client).</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Position x, world units, in [0, <see cref="ArenaRules.WorldWidth"/>].</summary>
    [Id(1)] public float X { get; init; }

    /// <summary>Position y, world units, in [0, <see cref="ArenaRules.WorldHeight"/>].</summary>
    [Id(2)] public float Y { get; init; }

    /// <summary>
    /// Actual velocity x during the last step, world units per second: input x × <see cref="ArenaRules.Speed"/>, or the
    /// distance actually travelled × <see cref="ArenaRules.TickHz"/> when a wall stopped the move (0 against the wall);
    /// 0 while dead and on the step of a (re)spawn.
    /// </summary>
    [Id(3)] public float Vx { get; init; }

    /// <summary>Actual velocity y during the last step, world units per second; see <see cref="Vx"/>.</summary>
    [Id(4)] public float Vy { get; init; }

    /// <summary>Hit points, 0–<see cref="ArenaRules.MaxHp"/>; 0 while dead.</summary>
    [Id(5)] public int Hp { get; init; }

    /// <summary>The <see cref="InputSample.Seq"/> of the last input applied (the protocol's <c>ack</c>); 0 before any.</summary>
    [Id(6)] public long Ack { get; init; }

    /// <summary>Colour, distinct among the room's seated players.</summary>
    [Id(7)] public Rgb Color { get; init; }

    /// <summary>The colour's slot: the lowest slot free when the player joined; slots 0–7 are a fixed palette.</summary>
    [Id(8)] public int ColorSlot { get; init; }

    /// <summary>Order of joining this room, increasing with each join (a rejoin gets a new, larger value).</summary>
    [Id(9)] public long JoinOrder { get; init; }

    /// <summary>Simulation time of the player's last effective attack, ms; 0 = never attacked.</summary>
    [Id(10)] public long LastAttackMs { get; init; }

    /// <summary>Simulation time at which a dead player respawns, ms; 0 = alive.</summary>
    [Id(11)] public long RespawnAtMs { get; init; }

    /// <summary>Held input direction x, in [-1, 1]; persists until the next input (arena rules: "apply each player's newest input").</summary>
    [Id(12)] public float InputX { get; init; }

    /// <summary>Held input direction y, in [-1, 1]; see <see cref="InputX"/>.</summary>
    [Id(13)] public float InputY { get; init; }

    /// <summary>Whether an attack was asked for since the last step; the next step consumes it, effective or not.</summary>
    [Id(14)] public bool AttackPending { get; init; }

    /// <summary>Whether the player is alive (<see cref="RespawnAtMs"/> is 0). Dead players neither move, attack nor get hit.</summary>
    public bool Alive => RespawnAtMs == 0;

    /// <summary>This player as a <c>map</c> entry <c>[x, y, vx, vy, hp, ack]</c> (protocol.md).</summary>
    public PlayerSnapshot ToSnapshot() => new(Id, X, Y, Vx, Vy, Hp, Ack);
}
