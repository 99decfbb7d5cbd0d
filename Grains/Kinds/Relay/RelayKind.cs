using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Game.Grains.Arena;
using Game.Grains.Interfaces;

namespace Game.Grains.Kinds.Relay;

/// <summary>
/// The relay (<c>kind: "relay"</c>, shared protocol.md v1.1): a group whose clients hold the state and only need the
/// server to pass <c>relay</c> messages between them. <c>max</c> 2–16 (default 2), no tick, "waiting" while not full.
/// </summary>
public sealed class RelayKind : IRoomKind
{
    /// <summary>The kind's name.</summary>
    public const string KindName = "relay";

    /// <summary>The largest <c>data</c>, in UTF-8 bytes as sent: 2 KiB.</summary>
    public const int MaxDataBytes = 2048;

    /// <inheritdoc />
    public string Name => KindName;

    /// <inheritdoc />
    public KindCapacity Capacity => new(2, 16, 2);

    /// <inheritdoc />
    public int? TickHz => null;

    /// <inheritdoc />
    public (int Width, int Height)? World => null;

    /// <inheritdoc />
    public IRoomRules Create(RoomSetup setup) => new RelayRoom(setup.Max, []);

    /// <inheritdoc />
    public IRoomRules Restore(object state)
    {
        if (state is not RelayState relay) throw new ArgumentException($"Not a relay state: {state?.GetType().Name ?? "null"}.", nameof(state));
        if (!Capacity.Allows(relay.Max) || relay.Seats.IsDefault || relay.Seats.Length > relay.Max
            || relay.Seats.Any(s => string.IsNullOrEmpty(s.Id) || s.ColorSlot < 0)
            || relay.Seats.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count() != relay.Seats.Length
            || relay.Seats.Select(s => s.ColorSlot).Distinct().Count() != relay.Seats.Length)
        {
            throw new ArgumentException("Inconsistent relay state: max out of range, or seats empty, over max or duplicated.", nameof(state));
        }
        return new RelayRoom(relay.Max, relay.Seats);
    }
}

/// <summary>One relay room's rules: who is seated (for <c>to</c>, "waiting" and colours) and the <c>relay</c> message.</summary>
internal sealed class RelayRoom(int max, ImmutableArray<RelaySeat> seats) : IRoomRules
{
    private ImmutableArray<RelaySeat> _seats = seats;

    public int Max => max;

    public bool? Waiting => _seats.Length < max;

    public RoomError? OnJoin(RoomPlayer player, IRoomOutput output)
    {
        if (IsSeated(player.Id)) return null; // already seated: nothing changes
        if (_seats.Length >= max) return new RoomError(ErrorCode.RoomFull, $"The room is full ({max} players).");
        int slot = 0;
        while (_seats.Any(s => s.ColorSlot == slot)) slot++;
        _seats = _seats.Add(new RelaySeat(player.Id, slot));
        return null;
    }

    public void OnLeave(string playerId, IRoomOutput output) => _seats = _seats.RemoveAll(s => s.Id == playerId);

    public void OnInput(string playerId, in InputSample input) { } // a relay has no inputs

    public RoomError? OnMessage(string playerId, KindMessage message, IRoomOutput output)
    {
        if (message.Type != "relay") return new RoomError(ErrorCode.WrongKind, $"'{message.Type}' does not apply to a relay room.");
        if (!IsSeated(playerId)) return new RoomError(ErrorCode.NotInRoom, "You are not seated in this room.");

        string? data = null, to = null;
        try
        {
            using var doc = JsonDocument.Parse(message.Json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return new RoomError(ErrorCode.BadRequest, "A message is a JSON object.");
            foreach (var member in doc.RootElement.EnumerateObject())
            {
                if (member.NameEquals("data"))
                {
                    if (data is not null) return new RoomError(ErrorCode.BadRequest, "'data' is given twice.");
                    data = member.Value.GetRawText(); // the value's original text, byte-for-byte (no re-encoding)
                }
                else if (member.NameEquals("to"))
                {
                    if (to is not null) return new RoomError(ErrorCode.BadRequest, "'to' is given twice.");
                    if (member.Value.ValueKind == JsonValueKind.Null) continue; // null = absent
                    if (member.Value.ValueKind != JsonValueKind.String) return new RoomError(ErrorCode.BadRequest, "'to' must be a player id (a string).");
                    to = member.Value.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            return new RoomError(ErrorCode.BadRequest, "The message is not valid JSON.");
        }

        if (data is null) return new RoomError(ErrorCode.BadRequest, "'relay' needs 'data' (any JSON value).");
        int size = Encoding.UTF8.GetByteCount(data);
        if (size > RelayKind.MaxDataBytes) return new RoomError(ErrorCode.BadRequest, $"'data' is {size} bytes; at most {RelayKind.MaxDataBytes}.");
        if (to is not null && !IsSeated(to)) return new RoomError(ErrorCode.UnknownPlayer, $"No player '{to}' in this room.");

        var relayed = new KindEvent("relay", $"\"from\":\"{JsonEncodedText.Encode(playerId)}\",\"data\":{data}");
        if (to is null) output.SendToOthers(playerId, relayed);
        else output.SendTo(to, relayed);
        return null;
    }

    public void OnTick(long nowMs, IRoomOutput output) { } // no tick

    public JoinedView View(string playerId) => new(_seats.ToDictionary(s => s.Id, s => ArenaColors.ForSlot(s.ColorSlot), StringComparer.Ordinal));

    public object Capture() => new RelayState(max, _seats);

    private bool IsSeated(string playerId) => _seats.Any(s => s.Id == playerId);
}
