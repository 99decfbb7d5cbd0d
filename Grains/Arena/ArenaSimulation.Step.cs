namespace Game.Grains.Arena;

// The fixed step: inputs → move → attacks (join order) → deaths → respawns due.
public sealed partial class ArenaSimulation
{
    /// <summary>
    /// Advances the simulation by one tick (1000 / <see cref="ArenaRules.TickHz"/> ms) and replaces <see cref="Events"/>
    /// with what happened, in this order (arena rules: shared protocol.md):
    /// <list type="number">
    /// <item>the clock advances: <see cref="Tick"/> + 1, <see cref="TimeMs"/> recomputed; all of the step happens at the new time;</item>
    /// <item>inputs: each player's held direction, scaled to length 1 if longer;</item>
    /// <item>move: living players move <see cref="ArenaRules.Speed"/> / TickHz units at full input, clamped to the world;</item>
    /// <item>attacks, in join order: a living player's pending attack, unless it comes sooner than
    /// <see cref="ArenaRules.AttackCooldownMs"/> after its last effective attack, deals <see cref="ArenaRules.AttackDamage"/>
    /// to every other living player within <see cref="ArenaRules.AttackRange"/> (distance ≤ range), one
    /// <see cref="ArenaEventKind.Attacked"/> each; a player brought to 0 hp can neither be hit nor attack for the rest of
    /// the step, so an earlier joiner's attack lands first; pending attacks are consumed whether effective or not;</item>
    /// <item>deaths: each player brought to 0 hp dies (<see cref="ArenaEventKind.Killed"/>, by the player whose hit took its
    /// last hp) and is due to respawn <see cref="ArenaRules.RespawnDelayMs"/> later;</item>
    /// <item>respawns: each dead player whose respawn time has come back at a random position with full hp
    /// (<see cref="ArenaEventKind.Respawned"/>).</item>
    /// </list>
    /// </summary>
    /// <remarks>Allocates nothing at steady state: events go to a reused buffer.</remarks>
    public void Step()
    {
        Tick++;
        TimeMs = Rules.TimeAtTick(Tick);
        _eventCount = 0;
        Move();
        ResolveAttacks();
        ResolveDeaths();
        RespawnDue();
    }

    private void Move()
    {
        float speed = Rules.Speed;
        float perTick = speed / Rules.TickHz;
        float width = Rules.WorldWidth;
        float height = Rules.WorldHeight;
        int hz = Rules.TickHz;
        for (int i = 0; i < _count; i++)
        {
            ref ArenaPlayerState p = ref _players[i];
            if (!p.Alive)
            {
                p = p with { Vx = 0f, Vy = 0f };
                continue;
            }

            float ix = p.InputX;
            float iy = p.InputY;
            float lengthSquared = ix * ix + iy * iy;
            if (lengthSquared > 1f)
            {
                float scale = 1f / MathF.Sqrt(lengthSquared);
                ix *= scale;
                iy *= scale;
            }

            (float x, float vx) = MoveAxis(p.X, ix, perTick, speed, width, hz);
            (float y, float vy) = MoveAxis(p.Y, iy, perTick, speed, height, hz);
            p = p with { X = x, Y = y, Vx = vx, Vy = vy };
        }
    }

    // New position on one axis, and the velocity actually achieved (units/s).
    private static (float Position, float Velocity) MoveAxis(float position, float input, float perTick, float speed, float limit, int hz)
    {
        float target = position + input * perTick;
        if (target < 0f)
        {
            return (0f, (0f - position) * hz);
        }

        if (target > limit)
        {
            return (limit, (limit - position) * hz);
        }

        return (target, input * speed);
    }

    private void ResolveAttacks()
    {
        double rangeSquared = (double)Rules.AttackRange * Rules.AttackRange;
        for (int a = 0; a < _count; a++)
        {
            ref ArenaPlayerState attacker = ref _players[a];
            if (!attacker.AttackPending)
            {
                continue;
            }

            attacker = attacker with { AttackPending = false };
            if (!attacker.Alive || attacker.Hp <= 0 || !CooledDown(attacker.LastAttackMs))
            {
                continue;
            }

            attacker = attacker with { LastAttackMs = TimeMs };
            for (int t = 0; t < _count; t++)
            {
                ref ArenaPlayerState target = ref _players[t];
                if (t == a || !target.Alive || target.Hp <= 0)
                {
                    continue;
                }

                double dx = (double)target.X - attacker.X;
                double dy = (double)target.Y - attacker.Y;
                if (dx * dx + dy * dy > rangeSquared)
                {
                    continue;
                }

                int hp = Math.Max(0, target.Hp - Rules.AttackDamage);
                target = target with { Hp = hp };
                AddEvent(new ArenaEvent(ArenaEventKind.Attacked, target.Id, attacker.Id, hp));
                if (hp == 0)
                {
                    _killedBy[t] = attacker.Id;
                }
            }
        }
    }

    private bool CooledDown(long lastAttackMs) => lastAttackMs == 0 || TimeMs - lastAttackMs >= Rules.AttackCooldownMs;

    private void ResolveDeaths()
    {
        for (int i = 0; i < _count; i++)
        {
            ref ArenaPlayerState p = ref _players[i];
            if (!p.Alive || p.Hp > 0)
            {
                continue;
            }

            // Hp 0 while alive only happens by a hit this step, which recorded the killer.
            string by = _killedBy[i] ?? string.Empty;
            _killedBy[i] = null;
            p = p with { Vx = 0f, Vy = 0f, RespawnAtMs = Math.Max(1, TimeMs + Rules.RespawnDelayMs) };
            AddEvent(new ArenaEvent(ArenaEventKind.Killed, p.Id, by, 0));
        }
    }

    private void RespawnDue()
    {
        for (int i = 0; i < _count; i++)
        {
            ref ArenaPlayerState p = ref _players[i];
            if (p.Alive || p.RespawnAtMs > TimeMs)
            {
                continue;
            }

            float x = _rng.NextSingle() * Rules.WorldWidth;
            float y = _rng.NextSingle() * Rules.WorldHeight;
            p = p with { X = x, Y = y, Vx = 0f, Vy = 0f, Hp = Rules.MaxHp, RespawnAtMs = 0 };
            AddEvent(new ArenaEvent(ArenaEventKind.Respawned, p.Id, string.Empty, p.Hp));
        }
    }

    private void AddEvent(in ArenaEvent e)
    {
        if (_eventCount == _events.Length)
        {
            Array.Resize(ref _events, _events.Length * 2);
        }

        _events[_eventCount++] = e;
    }
}
