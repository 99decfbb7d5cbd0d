using System.Collections.Immutable;
using System.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// The player ids a binary <c>map</c>'s entries follow, in order (the <c>roster</c> message, docs/protocol-binary.md):
/// a map carries no ids, its i-th entry is the roster's i-th player. Immutable; a room's roster is replaced, with the
/// next <see cref="Version"/>, when its player list changes.
/// </summary>
public sealed class BinaryRoster
{
    private BinaryRoster(byte version, ImmutableArray<string> ids)
    {
        Version = version;
        Ids = ids;
    }

    /// <summary>The roster's number (mod 256); the maps that follow it carry the same number.</summary>
    public byte Version { get; }

    /// <summary>The player ids, in the order of the map entries.</summary>
    public ImmutableArray<string> Ids { get; }

    /// <summary>The roster of <paramref name="players"/>: their ids in snapshot order.</summary>
    /// <param name="version">The roster's number.</param>
    /// <param name="players">The players of a snapshot.</param>
    /// <returns>A new roster.</returns>
    /// <exception cref="ArgumentException">An id is empty or longer than <see cref="BinaryFormat.MaxRosterIdBytes"/> bytes of UTF-8.</exception>
    public static BinaryRoster Create(byte version, ImmutableArray<PlayerSnapshot> players)
    {
        var ids = ImmutableArray.CreateBuilder<string>(players.Length);
        foreach (var p in players)
        {
            var bytes = string.IsNullOrEmpty(p.Id) ? 0 : Encoding.UTF8.GetByteCount(p.Id);
            if (bytes is < 1 or > BinaryFormat.MaxRosterIdBytes)
            {
                throw new ArgumentException($"A roster id must be 1-{BinaryFormat.MaxRosterIdBytes} bytes of UTF-8 (got {bytes}).", nameof(players));
            }
            ids.Add(p.Id);
        }
        return new BinaryRoster(version, ids.MoveToImmutable());
    }

    /// <summary>Whether <paramref name="players"/> are exactly this roster's ids, in this order (no allocation).</summary>
    /// <param name="players">The players of a snapshot.</param>
    public bool Matches(ImmutableArray<PlayerSnapshot> players)
    {
        if (players.Length != Ids.Length) return false;
        for (var i = 0; i < players.Length; i++)
        {
            if (!string.Equals(players[i].Id, Ids[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
