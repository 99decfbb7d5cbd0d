using Game.Grains.Arena;
using static Game.Grains.Tests.Arena.ArenaTestKit;

namespace Game.Grains.Tests.Arena;

public sealed class ArenaCombatTests
{
    [Theory]
    [InlineData(99.9f, true)]
    [InlineData(100f, true)]
    [InlineData(100.1f, false)]
    public void Attack_hits_players_within_one_hundred_units_inclusive(float distance, bool hit)
    {
        ArenaSimulation sim = Place(("a", 400, 500), ("b", 400 + distance, 500));
        Attack(sim, "a");

        sim.Step();

        Assert.Equal(hit ? 90 : 100, Get(sim, "b").Hp);
        Assert.Equal(hit ? [new ArenaEvent(ArenaEventKind.Attacked, "b", "a", 90)] : [], Events(sim));
    }

    [Fact]
    public void Attack_range_is_euclidean_distance()
    {
        // 60-80-100 triangle: exactly in range; 71/71 is 100.4 away: out of range.
        ArenaSimulation sim = Place(("a", 500, 500), ("in", 560, 580), ("out", 429, 429));
        Attack(sim, "a");

        sim.Step();

        Assert.Equal(90, Get(sim, "in").Hp);
        Assert.Equal(100, Get(sim, "out").Hp);
    }

    [Fact]
    public void Attack_deals_ten_to_every_other_living_player_in_range_but_not_the_attacker()
    {
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 550, 500), ("c", 500, 450), ("far", 900, 900));
        Attack(sim, "a");

        sim.Step();

        Assert.Equal(100, Get(sim, "a").Hp);
        Assert.Equal(90, Get(sim, "b").Hp);
        Assert.Equal(90, Get(sim, "c").Hp);
        Assert.Equal(100, Get(sim, "far").Hp);
        Assert.Equal(
            [new ArenaEvent(ArenaEventKind.Attacked, "b", "a", 90), new ArenaEvent(ArenaEventKind.Attacked, "c", "a", 90)],
            Events(sim));
    }

    [Fact]
    public void Attack_is_used_by_the_next_step_only()
    {
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 550, 500));
        Attack(sim, "a");
        sim.Step();

        Steps(sim, 40); // long past the cooldown, no new attack input

        Assert.Equal(90, Get(sim, "b").Hp);
    }

    [Fact]
    public void Attack_sooner_than_cooldown_is_ignored_and_one_at_500_ms_applies()
    {
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 550, 500));
        Attack(sim, "a");
        sim.Step(); // t = 50 ms: effective
        Assert.Equal(50, Get(sim, "a").LastAttackMs);
        Assert.Equal(90, Get(sim, "b").Hp);

        Steps(sim, 7);
        Attack(sim, "a");
        sim.Step(); // t = 450 ms: 400 ms later, ignored
        Assert.Equal(450, sim.TimeMs);
        Assert.Equal(90, Get(sim, "b").Hp);
        Assert.Empty(Events(sim));

        sim.Step();
        Attack(sim, "a");
        sim.Step(); // t = 550 ms: 500 ms after the last effective attack (the ignored one does not count)
        Assert.Equal(550, sim.TimeMs);
        Assert.Equal(80, Get(sim, "b").Hp);
        Assert.Equal([new ArenaEvent(ArenaEventKind.Attacked, "b", "a", 80)], Events(sim));
    }

    [Fact]
    public void Attack_that_hits_nobody_still_starts_the_cooldown()
    {
        ArenaSimulation sim = Place(("a", 100, 100), ("b", 550, 500));
        Attack(sim, "a");
        sim.Step(); // t = 50, nobody in range
        sim = With(sim, "b", b => b with { X = 150, Y = 100 });

        Steps(sim, 7);
        Attack(sim, "a");
        sim.Step(); // t = 450: too soon

        Assert.Equal(100, Get(sim, "b").Hp);
    }

    [Fact]
    public void Player_at_zero_hp_is_killed_by_the_attacker_and_respawns_exactly_2000_ms_later_with_full_hp()
    {
        ArenaSimulation sim = With(Place(("a", 500, 500), ("b", 550, 500)), "b", b => b with { Hp = 10 });
        Attack(sim, "a");

        sim.Step(); // t = 50

        Assert.Equal(
            [new ArenaEvent(ArenaEventKind.Attacked, "b", "a", 0), new ArenaEvent(ArenaEventKind.Killed, "b", "a", 0)],
            Events(sim));
        ArenaPlayerState b = Get(sim, "b");
        Assert.False(b.Alive);
        Assert.Equal(0, b.Hp);
        Assert.Equal(2050, b.RespawnAtMs);

        Steps(sim, 39); // t = 2000: 1950 ms after death
        Assert.False(Get(sim, "b").Alive);
        Assert.DoesNotContain(Events(sim), e => e.Kind == ArenaEventKind.Respawned);

        sim.Step(); // t = 2050: exactly 2000 ms after death
        Assert.Equal(2050, sim.TimeMs);
        b = Get(sim, "b");
        Assert.True(b.Alive);
        Assert.Equal(100, b.Hp);
        Assert.Equal([new ArenaEvent(ArenaEventKind.Respawned, "b", "", 100)], Events(sim));
        Assert.InRange(b.X, 0f, 1000f);
        Assert.InRange(b.Y, 0f, 1000f);
    }

    [Fact]
    public void Ten_attacks_500_ms_apart_kill_a_full_hp_player()
    {
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 550, 500));
        var hps = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            Attack(sim, "a");
            sim.Step();
            hps.Add(Get(sim, "b").Hp);
            if (i < 9)
            {
                Assert.True(Get(sim, "b").Alive, $"b died after only {i + 1} attacks");
                Steps(sim, 9);
            }
        }

        Assert.Equal([90, 80, 70, 60, 50, 40, 30, 20, 10, 0], hps);
        Assert.False(Get(sim, "b").Alive);
        Assert.Contains(new ArenaEvent(ArenaEventKind.Killed, "b", "a", 0), Events(sim));
    }

    [Fact]
    public void Dead_players_neither_move_nor_attack_nor_get_hit()
    {
        // a reaches b and d; b reaches c; nobody else reaches anybody.
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 550, 500), ("c", 640, 500), ("d", 430, 500));
        sim = With(sim, "b", b => b with { Hp = 10 });
        Attack(sim, "a");
        sim.Step(); // b dies at (550, 500); d takes 10
        Assert.False(Get(sim, "b").Alive);
        Assert.Equal(90, Get(sim, "d").Hp);

        Move(sim, "b", 1, 0);
        sim.Step();
        Assert.Equal(550f, Get(sim, "b").X);
        Assert.Equal(0f, Get(sim, "b").Vx);

        Attack(sim, "b"); // c is in b's range, but b is dead
        sim.Step();
        Assert.Equal(100, Get(sim, "c").Hp);
        Assert.Empty(Events(sim));

        Steps(sim, 10);
        Attack(sim, "a"); // b is in a's range, but dead; d is hit
        sim.Step();
        Assert.Equal([new ArenaEvent(ArenaEventKind.Attacked, "d", "a", 80)], Events(sim));
        Assert.Equal(0, Get(sim, "b").Hp);
    }

    [Fact]
    public void Respawned_player_moves_with_its_held_input()
    {
        ArenaSimulation sim = With(Place(("a", 500, 500), ("b", 550, 500)), "b", b => b with { Hp = 10 });
        Attack(sim, "a");
        sim.Step();
        Move(sim, "b", 0.5f, 0);
        Steps(sim, 40); // respawns on the 40th
        float x = Get(sim, "b").X;

        sim.Step();

        Assert.Equal(Math.Min(1000f, x + 5f), Get(sim, "b").X, 1e-3f);
    }

    [Fact]
    public void Attacks_resolve_in_join_order_so_an_earlier_joiner_kills_before_being_hit()
    {
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 550, 500));
        sim = With(sim, "a", a => a with { Hp = 10 });
        sim = With(sim, "b", b => b with { Hp = 10 });
        Attack(sim, "b");
        Attack(sim, "a");

        sim.Step();

        Assert.True(Get(sim, "a").Alive);
        Assert.False(Get(sim, "b").Alive);
        Assert.Equal(
            [new ArenaEvent(ArenaEventKind.Attacked, "b", "a", 0), new ArenaEvent(ArenaEventKind.Killed, "b", "a", 0)],
            Events(sim));
    }

    [Fact]
    public void Killed_is_credited_to_the_player_whose_hit_took_the_last_hp()
    {
        ArenaSimulation sim = Place(("a", 450, 500), ("b", 650, 500), ("target", 550, 500)); // a and b 200 apart
        sim = With(sim, "target", t => t with { Hp = 15 });
        Attack(sim, "a");
        Attack(sim, "b");

        sim.Step();

        Assert.Equal(
            [
                new ArenaEvent(ArenaEventKind.Attacked, "target", "a", 5),
                new ArenaEvent(ArenaEventKind.Attacked, "target", "b", 0),
                new ArenaEvent(ArenaEventKind.Killed, "target", "b", 0),
            ],
            Events(sim));
    }

    [Fact]
    public void Movement_happens_before_attacks_in_a_step()
    {
        ArenaSimulation sim = Place(("a", 500, 500), ("b", 605, 500)); // 105 apart: out of range
        Move(sim, "b", -1, 0); // one step brings b to 595: in range
        Attack(sim, "a");

        sim.Step();

        Assert.Equal(90, Get(sim, "b").Hp);
    }
}
