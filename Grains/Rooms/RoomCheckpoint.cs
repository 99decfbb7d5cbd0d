using System.Collections.Immutable;
using Orleans;

namespace Game.Grains.Rooms;

/// <summary>
/// A room's persisted state (<see cref="GameStorage.Name"/>), and what a moving room carries to its next activation:
/// kind, the password's salted hash, the kind's whole state (<see cref="Kinds.IRoomRules.Capture"/>: for the arena the tick counter,
/// positions, hp, cooldowns, acks, held inputs) and the seats in join order. Written every
/// <see cref="ArenaOptions.CheckpointInterval"/> while the room changes and on every join and leave.
/// </summary>
[GenerateSerializer, Alias("game.RoomCheckpoint")]
public sealed class RoomCheckpoint
{
    /// <summary>Room kind (<see cref="Kinds.IRoomKind.Name"/>).</summary>
    [Id(0)] public string Kind { get; set; } = "";

    /// <summary>
    /// A clear password, as checkpoints written before passwords were hashed held it. Only read (a room restored from
    /// such a checkpoint hashes it at once, see <see cref="PasswordHash"/>); always written as null.
    /// </summary>
    [Id(1)] public string? LegacyPassword { get; set; }

    /// <summary>The kind's state (<see cref="Kinds.IRoomRules.Capture"/>, an Orleans-serializable object); null in a room that has ended.</summary>
    [Id(2)] public object? State { get; set; }

    /// <summary>Seated players in join order.</summary>
    [Id(3)] public ImmutableArray<SeatCheckpoint> Seats { get; set; } = [];

    /// <summary>Server time of the last published snapshot, ms since the Unix epoch.</summary>
    [Id(4)] public long LastTickMs { get; set; }

    /// <summary>The salted slow hash of the creator's password (<see cref="Rooms.PasswordHash"/>), or null for an open room. Never the password itself.</summary>
    [Id(5)] public PasswordHash? PasswordHash { get; set; }
}

/// <summary>A seated player in a <see cref="RoomCheckpoint"/>.</summary>
/// <param name="Id">Player id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Input">Its input waiting for the next tick, and the newest seq seen (so a move neither loses nor replays one).</param>
/// <param name="Number">Its seat number (<see cref="Interfaces.RoomJoined.Seat"/>).</param>
[GenerateSerializer, Alias("game.SeatCheckpoint"), Immutable]
public sealed record SeatCheckpoint(string Id, string Name, BufferedInput Input = default, long Number = 0);
