using System.Collections.Immutable;
using Orleans;
using Orleans.Runtime;

namespace Game.Grains.Interfaces;

/// <summary>
/// An item on a gateway stream (<see cref="GatewayStreams"/>): something for players that is not about one room: a
/// whisper for a player connected to that gateway, an operator announcement, or the live lobby's room list.
/// </summary>
[GenerateSerializer, Alias("game.GatewayEvent")]
public abstract record GatewayEvent;

/// <summary>A whisper (<c>chat</c> with <c>to</c>, shared protocol.md v1.1) for player <paramref name="To"/>, sent to the gateway that holds its connection.</summary>
/// <param name="To">The recipient's player id.</param>
/// <param name="From">The sender's player id.</param>
/// <param name="Text">The text, 1–200 chars.</param>
/// <param name="Time">Server time, ms since the Unix epoch.</param>
[GenerateSerializer, Alias("game.WhisperEvent"), Immutable]
public sealed record WhisperEvent(string To, string From, string Text, long Time) : GatewayEvent;

/// <summary>An operator's announcement to every connected player (<c>POST /admin/announce</c>, shared protocol.md v1.1).</summary>
/// <param name="Text">The text, 1–200 chars.</param>
/// <param name="Time">Server time, ms since the Unix epoch.</param>
[GenerateSerializer, Alias("game.AnnouncementEvent"), Immutable]
public sealed record AnnouncementEvent(string Text, long Time) : GatewayEvent;

/// <summary>The room list after a change (the live lobby, <c>rooms</c> with <c>watch</c>), published at most twice a second.</summary>
/// <param name="Rooms">Every room with players.</param>
[GenerateSerializer, Alias("game.LobbyChangedEvent"), Immutable]
public sealed record LobbyChangedEvent(ImmutableArray<RoomSummary> Rooms) : GatewayEvent;

/// <summary>
/// The gateway streams (provider <see cref="RoomStreams.Provider"/>): one per gateway for what is addressed to its
/// players (whispers), and one that every gateway reads (announcements, the lobby).
/// </summary>
public static class GatewayStreams
{
    /// <summary>The namespace of gateway streams.</summary>
    public const string Namespace = "gateway";

    /// <summary>The stream every gateway subscribes to (announcements, lobby changes).</summary>
    public static StreamId All => StreamId.Create(Namespace, "all");

    /// <summary>The stream of gateway <paramref name="gatewayId"/> (whispers for its players).</summary>
    public static StreamId For(string gatewayId) => StreamId.Create(Namespace, gatewayId);
}
