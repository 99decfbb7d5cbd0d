using Game.Grains.Interfaces;
using Game.Grains.Kinds;

namespace Game.Grains.Tests.Kinds;

/// <summary>How a <see cref="FakeRoomOutput"/> was asked to deliver an event.</summary>
internal enum Delivery { Everyone, To, Others }

/// <summary>One delivery: to everyone, to <c>Player</c> only, or to everyone but <c>Player</c>.</summary>
internal sealed record Sent(Delivery Delivery, string? Player, RoomEvent Event)
{
    /// <summary>The event as a <see cref="KindEvent"/> (fails the test otherwise).</summary>
    public KindEvent Kind => Assert.IsType<KindEvent>(Event);
}

/// <summary>An <see cref="IRoomOutput"/> that records what was sent to whom, in order.</summary>
internal sealed class FakeRoomOutput(string roomId = "r1") : IRoomOutput
{
    public List<Sent> Sent { get; } = [];

    public string RoomId => roomId;

    public string? HostId { get; set; }

    public long NowMs { get; set; } = 1_700_000_000_000;

    public void Publish(RoomEvent e) => Sent.Add(new Sent(Delivery.Everyone, null, e));

    public void SendTo(string playerId, RoomEvent e) => Sent.Add(new Sent(Delivery.To, playerId, e));

    public void SendToOthers(string playerId, RoomEvent e) => Sent.Add(new Sent(Delivery.Others, playerId, e));

    /// <summary>The kind events sent, of type <paramref name="type"/> (all when null).</summary>
    public List<KindEvent> Kinds(string? type = null) =>
        Sent.Select(s => s.Event).OfType<KindEvent>().Where(k => type is null || k.Type == type).ToList();

    /// <summary>Joins <paramref name="ids"/> in order to <paramref name="rules"/> (the first as host), asserting each is accepted.</summary>
    public FakeRoomOutput Join(IRoomRules rules, params string[] ids)
    {
        foreach (var id in ids)
        {
            HostId ??= id;
            Assert.Null(rules.OnJoin(new RoomPlayer(id, "name-" + id, HostId == id), this));
        }
        return this;
    }
}
