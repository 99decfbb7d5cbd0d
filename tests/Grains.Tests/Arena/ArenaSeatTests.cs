using Game.Grains.Arena;
using Game.Grains.Interfaces;
using static Game.Grains.Tests.Arena.ArenaTestKit;

namespace Game.Grains.Tests.Arena;

public sealed class ArenaSeatTests
{
    [Fact]
    public void First_player_is_host_and_spawns_inside_the_world_with_full_hp()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);

        Assert.Equal(ArenaJoinOutcome.Added, sim.TryAddPlayer("a", out Rgb color));
        Assert.Equal(ArenaJoinOutcome.Added, sim.TryAddPlayer("b", out _));

        Assert.Equal("a", sim.HostId);
        Assert.Equal(2, sim.Count);
        Assert.Equal(["a", "b"], sim.Players.ToArray().Select(p => p.Id));
        ArenaPlayerState a = Get(sim, "a");
        Assert.Equal(color, a.Color);
        Assert.Equal(100, a.Hp);
        Assert.True(a.Alive);
        Assert.Equal(0, a.Ack);
        Assert.InRange(a.X, 0f, 1000f);
        Assert.InRange(a.Y, 0f, 1000f);
        Assert.NotEqual((a.X, a.Y), (Get(sim, "b").X, Get(sim, "b").Y));
    }

    [Fact]
    public void Joining_twice_reports_already_seated_and_changes_nothing()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);
        sim.TryAddPlayer("a", out Rgb first);
        ArenaState before = sim.Capture();

        Assert.Equal(ArenaJoinOutcome.AlreadySeated, sim.TryAddPlayer("a", out Rgb again));

        Assert.Equal(first, again);
        Assert.Equal(1, sim.Count);
        Assert.Equal(before.Players, sim.Capture().Players, EqualityComparer<ArenaPlayerState>.Default);
        Assert.Equal(before.RngState, sim.Capture().RngState);
    }

    [Fact]
    public void Room_is_full_at_max_players_until_someone_leaves()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(ArenaJoinOutcome.Added, sim.TryAddPlayer($"p{i}", out _));
        }

        Assert.Equal(ArenaJoinOutcome.Full, sim.TryAddPlayer("late", out _));
        Assert.Equal(8, sim.Count);
        Assert.False(sim.Contains("late"));
        Assert.Equal(ArenaJoinOutcome.AlreadySeated, sim.TryAddPlayer("p3", out _));

        Assert.True(sim.RemovePlayer("p3", out _));
        Assert.Equal(ArenaJoinOutcome.Added, sim.TryAddPlayer("late", out _));
    }

    [Fact]
    public void Custom_rules_set_the_room_size()
    {
        var sim = new ArenaSimulation(new ArenaRules { MaxPlayers = 16 }, 3);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(ArenaJoinOutcome.Added, sim.TryAddPlayer($"p{i}", out _));
        }

        Assert.Equal(ArenaJoinOutcome.Full, sim.TryAddPlayer("p16", out _));
    }

    [Fact]
    public void Eight_players_get_eight_distinct_colours()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);
        var colors = new List<Rgb>();
        for (int i = 0; i < 8; i++)
        {
            sim.TryAddPlayer($"p{i}", out Rgb c);
            colors.Add(c);
        }

        Assert.Equal(8, colors.Distinct().Count());
        Assert.Equal(colors, sim.Players.ToArray().Select(p => p.Color));
    }

    [Fact]
    public void A_rejoiner_takes_the_freed_colour_and_colours_stay_distinct()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);
        for (int i = 0; i < 8; i++)
        {
            sim.TryAddPlayer($"p{i}", out _);
        }

        Rgb freed = Get(sim, "p2").Color;
        sim.RemovePlayer("p2", out _);
        sim.RemovePlayer("p5", out _);
        sim.TryAddPlayer("new", out Rgb taken);
        sim.TryAddPlayer("p2", out _);

        Assert.Equal(freed, taken); // lowest free slot
        Rgb[] colors = sim.Players.ToArray().Select(p => p.Color).ToArray();
        Assert.Equal(8, colors.Length);
        Assert.Equal(8, colors.Distinct().Count());
    }

    [Fact]
    public void Thirty_two_players_get_distinct_colours_under_custom_rules()
    {
        var sim = new ArenaSimulation(new ArenaRules { MaxPlayers = 32 }, 3);
        for (int i = 0; i < 32; i++)
        {
            Assert.Equal(ArenaJoinOutcome.Added, sim.TryAddPlayer($"p{i}", out _));
        }

        // Churn: some leave, others join, colours stay distinct.
        for (int i = 0; i < 32; i += 3)
        {
            sim.RemovePlayer($"p{i}", out _);
        }

        for (int i = 0; i < 32; i += 3)
        {
            sim.TryAddPlayer($"q{i}", out _);
        }

        Rgb[] colors = sim.Players.ToArray().Select(p => p.Color).ToArray();
        Assert.Equal(32, colors.Length);
        Assert.Equal(32, colors.Distinct().Count());
    }

    [Fact]
    public void Every_colour_slot_up_to_the_largest_room_is_distinct()
    {
        var colors = Enumerable.Range(0, ArenaRules.MaxSupportedPlayers).Select(ArenaColors.ForSlot).ToArray();

        Assert.Equal(colors.Length, colors.Distinct().Count());
    }

    [Fact]
    public void Host_leaving_hands_over_to_the_longest_present_player()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);
        foreach (string id in new[] { "a", "b", "c", "d" })
        {
            sim.TryAddPlayer(id, out _);
        }

        sim.RemovePlayer("b", out _);
        sim.TryAddPlayer("b", out _); // b rejoins: now the newest

        Assert.True(sim.RemovePlayer("a", out string? newHost));
        Assert.Equal("c", newHost);
        Assert.Equal("c", sim.HostId);

        Assert.True(sim.RemovePlayer("b", out newHost)); // not the host
        Assert.Null(newHost);
        Assert.Equal("c", sim.HostId);

        Assert.True(sim.RemovePlayer("c", out newHost));
        Assert.Equal("d", newHost);

        Assert.True(sim.RemovePlayer("d", out newHost)); // room empty
        Assert.Null(newHost);
        Assert.Null(sim.HostId);
        Assert.Equal(0, sim.Count);

        sim.TryAddPlayer("e", out _);
        Assert.Equal("e", sim.HostId);
    }

    [Fact]
    public void Removing_an_absent_player_returns_false()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);
        sim.TryAddPlayer("a", out _);

        Assert.False(sim.RemovePlayer("zz", out string? newHost));
        Assert.Null(newHost);
        Assert.Equal(1, sim.Count);
    }

    [Fact]
    public void Empty_player_id_is_rejected()
    {
        var sim = new ArenaSimulation(ArenaRules.Default, 3);

        Assert.Throws<ArgumentException>(() => sim.TryAddPlayer("", out _));
    }
}
