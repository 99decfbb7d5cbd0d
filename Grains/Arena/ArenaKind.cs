using Game.Grains.Interfaces;
using Game.Grains.Kinds;
using Microsoft.Extensions.Options;

namespace Game.Grains.Arena;

/// <summary>
/// The arena (<c>kind: "arena"</c>, shared protocol.md v1): 8 seats, 20 Hz, a 1000 × 1000 world; its rules are
/// <see cref="ArenaSimulation"/>. Settings from <see cref="ArenaOptions"/> (load tests change seats and tick rate).
/// </summary>
public sealed class ArenaKind(IOptions<ArenaOptions> options) : IRoomKind
{
    private readonly ArenaRules _rules = options.Value.ToRules();

    /// <summary>The kind's name.</summary>
    public const string KindName = "arena";

    /// <inheritdoc />
    public string Name => KindName;

    /// <inheritdoc />
    public KindCapacity Capacity => KindCapacity.Fixed(_rules.MaxPlayers);

    /// <inheritdoc />
    public int? TickHz => _rules.TickHz;

    /// <inheritdoc />
    public (int Width, int Height)? World => (_rules.WorldWidth, _rules.WorldHeight);

    /// <inheritdoc />
    public IRoomRules Create(RoomSetup setup) => new ArenaRoom(new ArenaSimulation(_rules, setup.Seed));

    /// <inheritdoc />
    public IRoomRules Restore(object state)
        => state is ArenaState arena
            ? new ArenaRoom(ArenaSimulation.Restore(_rules, arena))
            : throw new ArgumentException($"Not an arena state: {state?.GetType().Name ?? "null"}.", nameof(state));
}

/// <summary>One arena room's rules: the room API's hooks over <see cref="ArenaSimulation"/>.</summary>
internal sealed class ArenaRoom(ArenaSimulation simulation) : IRoomRules
{
    public int Max => simulation.Rules.MaxPlayers;

    public RoomError? OnJoin(RoomPlayer player, IRoomOutput output)
        => simulation.TryAddPlayer(player.Id, out _) == ArenaJoinOutcome.Full
            ? new RoomError(ErrorCode.RoomFull, $"The room is full ({Max} players).")
            : null;

    public void OnLeave(string playerId, IRoomOutput output) => simulation.RemovePlayer(playerId, out _);

    public void OnInput(string playerId, in InputSample input) => simulation.SetInput(playerId, input);

    public RoomError? OnMessage(string playerId, KindMessage message, IRoomOutput output)
        => new(ErrorCode.WrongKind, $"'{message.Type}' does not apply to an arena room.");

    public void OnTick(long nowMs, IRoomOutput output)
    {
        simulation.Step();
        foreach (var e in simulation.Events)
        {
            switch (e.Kind)
            {
                case ArenaEventKind.Attacked: output.Publish(new PlayerAttackedEvent(e.Target, e.By, e.Hp)); break;
                case ArenaEventKind.Killed: output.Publish(new PlayerKilledEvent(e.Target, e.By)); break;
                // a respawn shows in the snapshot (full hp, new position)
            }
        }
        var players = simulation.Players;
        var snapshot = System.Collections.Immutable.ImmutableArray.CreateBuilder<PlayerSnapshot>(players.Length);
        foreach (ref readonly var p in players) snapshot.Add(p.ToSnapshot());
        output.Publish(new RoomSnapshot(output.RoomId, nowMs, simulation.Tick, snapshot.MoveToImmutable()));
    }

    public JoinedView View(string playerId)
    {
        var colors = new Dictionary<string, Rgb>(StringComparer.Ordinal);
        foreach (var p in simulation.Players) colors[p.Id] = p.Color;
        return new JoinedView(colors);
    }

    public object Capture() => simulation.Capture();
}
