using Game.Grains.Interfaces;

namespace Game.Grains.Arena;

// Seats: joining, leaving, colours and the host.
public sealed partial class ArenaSimulation
{
    /// <summary>
    /// Seats a player: spawns it at a random position with full hp, gives it the lowest free colour slot, and makes it
    /// the host if the room was empty (arena rules: "host: the first player in the room").
    /// </summary>
    /// <param name="playerId">The player's id, non-empty.</param>
    /// <param name="color">The player's colour when <see cref="ArenaJoinOutcome.Added"/> or <see cref="ArenaJoinOutcome.AlreadySeated"/>; default when full.</param>
    /// <returns><see cref="ArenaJoinOutcome.Added"/>, or <see cref="ArenaJoinOutcome.AlreadySeated"/> (nothing changed), or
    /// <see cref="ArenaJoinOutcome.Full"/> when all <see cref="ArenaRules.MaxPlayers"/> seats are taken (nothing changed).</returns>
    /// <exception cref="ArgumentException"><paramref name="playerId"/> is null or empty.</exception>
    public ArenaJoinOutcome TryAddPlayer(string playerId, out Rgb color)
    {
        ArgumentException.ThrowIfNullOrEmpty(playerId);
        int existing = IndexOf(playerId);
        if (existing >= 0)
        {
            color = _players[existing].Color;
            return ArenaJoinOutcome.AlreadySeated;
        }

        if (_count >= Rules.MaxPlayers)
        {
            color = default;
            return ArenaJoinOutcome.Full;
        }

        int slot = LowestFreeColorSlot();
        color = ArenaColors.ForSlot(slot);
        float x = _rng.NextSingle() * Rules.WorldWidth;
        float y = _rng.NextSingle() * Rules.WorldHeight;
        _players[_count++] = new ArenaPlayerState
        {
            Id = playerId,
            X = x,
            Y = y,
            Hp = Rules.MaxHp,
            Color = color,
            ColorSlot = slot,
            JoinOrder = _nextJoinOrder++,
        };
        HostId ??= playerId;
        return ArenaJoinOutcome.Added;
    }

    /// <summary>Unseats a player; when it was the host, the longest-present remaining player becomes host.</summary>
    /// <param name="playerId">The player's id.</param>
    /// <param name="newHostId">The new host's id when the host changed to another player; null when the host is unchanged,
    /// the player was not seated, or the room is now empty.</param>
    /// <returns>Whether the player was seated.</returns>
    public bool RemovePlayer(string playerId, out string? newHostId)
    {
        newHostId = null;
        int index = IndexOf(playerId);
        if (index < 0)
        {
            return false;
        }

        Array.Copy(_players, index + 1, _players, index, _count - index - 1);
        _players[--_count] = default;
        if (string.Equals(HostId, playerId, StringComparison.Ordinal))
        {
            // _players stays in join order, so the first is the longest present.
            HostId = _count > 0 ? _players[0].Id : null;
            newHostId = HostId;
        }

        return true;
    }

    private int LowestFreeColorSlot()
    {
        for (int slot = 0; ; slot++)
        {
            bool taken = false;
            for (int i = 0; i < _count && !taken; i++)
            {
                taken = _players[i].ColorSlot == slot;
            }

            if (!taken)
            {
                return slot;
            }
        }
    }
}
