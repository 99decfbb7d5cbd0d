using Microsoft.Extensions.Options;

namespace Game.Grains;

/// <summary>
/// Server-side settings of arena rooms (configuration section <c>Arena</c>). The defaults are the arena
/// rules of shared protocol.md; load tests change them to measure larger rooms and other tick rates.
/// </summary>
public sealed class ArenaOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Arena";

    /// <summary>Seats per room. <value>Default: 8 (protocol.md).</value></summary>
    public int MaxPlayers { get; set; } = 8;

    /// <summary>Simulation ticks and snapshots per second, Hz. <value>Default: 20 (protocol.md).</value></summary>
    public int TickHz { get; set; } = 20;

    /// <summary>How often a room with players writes its checkpoint while it changes, with <see cref="PeriodicCheckpoints"/> on (besides every join and leave). <value>Default: 1 second.</value></summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether rooms write their checkpoint every <see cref="CheckpointInterval"/> while they change. Those writes exist
    /// so that another silo can resume a room, about a second behind, after its silo died; joins, leaves and a room's
    /// deactivation (other than the single process's shutdown, which nothing outlives) write it either way. The
    /// single-process default (a gateway co-hosting the only silo, with memory storage) turns them off unless
    /// configuration sets this: no other silo can resume its rooms, and nothing they write outlives the process (the
    /// writes took 1.6 % of a co-hosting gateway's CPU samples at 800 players in 100 rooms; docs/performance.md, issue
    /// 11, "Thirteenth pass"). A room that does not tick keeps its timer then, writing nothing, so that it stays active
    /// as before.
    /// <value>Default: true; false in the single-process default.</value>
    /// </summary>
    public bool PeriodicCheckpoints { get; set; } = true;

    /// <summary>
    /// The tick grid, for every room kind that ticks: a room starts its tick schedule (at creation, after a move, or after
    /// falling more than a second behind) on the next multiple of its period / <see cref="TickPhases"/> on the silo's
    /// monotonic clock, a delay of less than that slot (5 ms for arena's 20 Hz). The rooms of a tick rate then tick in at
    /// most this many groups per period, each group at one timer wake-up, in one burst of thread-pool work and sends,
    /// instead of one wake-up per room (docs/performance.md, "Sixth pass"). Fewer phases make bigger bursts, which the
    /// last room of a group waits for: at 800 players in 100 rooms, 2 phases took 5–9 % less of the gateway's CPU than 10
    /// and about 1 ms more of p99 input→ack; at 2,000 players in 250 rooms no less CPU and 4 ms more of p99
    /// (docs/performance.md, "Eleventh pass"). 0: no grid, each room ticks from its own start.
    /// <value>Default: 10. Valid: 0–1000.</value>
    /// </summary>
    public int TickPhases { get; set; } = 10;

    /// <summary>
    /// How many rooms of one tick rate a slot of the tick grid (<see cref="TickPhases"/>) takes before a new room opens
    /// another slot (<see cref="Rooms.TickSlots"/>): a new room goes to the fullest slot below this, so a silo with few
    /// rooms wakes for them in few bursts, and no burst grows past this many rooms until every slot has that many; a
    /// full grid then fills its slots evenly. A room that resumes keeps its own schedule. 0: no packing, a new room
    /// starts on the grid's next point, whatever slot that is.
    /// <value>Default: 0; <see cref="SingleProcessTickSlotRooms"/> in the single-process default unless configured. Valid: 0–10,000.</value>
    /// </summary>
    /// <remarks>
    /// Measured (docs/performance.md, issue 11, "Fourteenth pass"): in one process, 10 took a fifth less of the gateway's
    /// CPU than no packing at 160 and 400 players, with the same p99 input→ack, and the same at 800 players in 100 rooms
    /// (ten slots either way), where 20 took 5 % less by the gateway/tester ratio and about 1 ms more of p99. In a cluster,
    /// 10 took 9 % less CPU at 400 players but 3–5 ms more of p99: a remote gateway times its held inputs by the
    /// arrivals of each room's snapshots (<c>Gateway:InputBatchLead</c>), and the last rooms of a bigger
    /// burst arrive later, so their inputs miss more ticks. Hence 0 by default, and
    /// <see cref="SingleProcessTickSlotRooms"/> in the single-process default, whose co-hosted gateway sees each
    /// snapshot as its room ticks.
    /// </remarks>
    public int TickSlotRooms { get; set; }

    /// <summary>The <see cref="TickSlotRooms"/> of the single-process default (a silo co-hosted by its gateway). <value>10.</value></summary>
    public const int SingleProcessTickSlotRooms = 10;

    /// <summary>The arena rules these options give (protocol.md values, with <see cref="MaxPlayers"/> and <see cref="TickHz"/>).</summary>
    public Arena.ArenaRules ToRules() => new() { MaxPlayers = MaxPlayers, TickHz = TickHz };
}

/// <summary>Rejects arena options the simulation cannot run with.</summary>
internal sealed class ArenaOptionsValidator : IValidateOptions<ArenaOptions>
{
    public ValidateOptionsResult Validate(string? name, ArenaOptions options)
    {
        if (options.MaxPlayers is < 1 or > Arena.ArenaRules.MaxSupportedPlayers)
            return ValidateOptionsResult.Fail($"Arena:MaxPlayers must be 1–{Arena.ArenaRules.MaxSupportedPlayers} (was {options.MaxPlayers}).");
        if (options.TickHz is < 1 or > 100)
            return ValidateOptionsResult.Fail($"Arena:TickHz must be 1–100 (was {options.TickHz}).");
        if (options.TickPhases is < 0 or > 1000)
            return ValidateOptionsResult.Fail($"Arena:TickPhases must be 0–1000 (was {options.TickPhases}).");
        if (options.TickSlotRooms is < 0 or > 10_000)
            return ValidateOptionsResult.Fail($"Arena:TickSlotRooms must be 0–10000 (was {options.TickSlotRooms}).");
        if (options.CheckpointInterval <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail($"Arena:CheckpointInterval must be positive (was {options.CheckpointInterval}).");
        return ValidateOptionsResult.Success;
    }
}
