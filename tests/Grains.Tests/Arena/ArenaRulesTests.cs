using Game.Grains.Arena;

namespace Game.Grains.Tests.Arena;

public sealed class ArenaRulesTests
{
    [Fact]
    public void Defaults_are_the_protocol_arena_rules()
    {
        ArenaRules r = ArenaRules.Default;

        Assert.Equal((1000, 1000), (r.WorldWidth, r.WorldHeight));
        Assert.Equal(20, r.TickHz);
        Assert.Equal(200f, r.Speed);
        Assert.Equal(8, r.MaxPlayers);
        Assert.Equal(100, r.MaxHp);
        Assert.Equal(10, r.AttackDamage);
        Assert.Equal(100f, r.AttackRange);
        Assert.Equal(500, r.AttackCooldownMs);
        Assert.Equal(2000, r.RespawnDelayMs);
        r.Validate();
    }

    public static TheoryData<string, ArenaRules> Nonsense => new()
    {
        { "TickHz", new ArenaRules { TickHz = 0 } },
        { "TickHz", new ArenaRules { TickHz = 5000 } },
        { "WorldWidth", new ArenaRules { WorldWidth = 0 } },
        { "WorldHeight", new ArenaRules { WorldHeight = -5 } },
        { "Speed", new ArenaRules { Speed = float.NaN } },
        { "Speed", new ArenaRules { Speed = 0 } },
        { "MaxPlayers", new ArenaRules { MaxPlayers = 0 } },
        { "MaxPlayers", new ArenaRules { MaxPlayers = 100_000 } },
        { "MaxHp", new ArenaRules { MaxHp = 0 } },
        { "AttackDamage", new ArenaRules { AttackDamage = 0 } },
        { "AttackRange", new ArenaRules { AttackRange = -1 } },
        { "AttackCooldownMs", new ArenaRules { AttackCooldownMs = -1 } },
        { "RespawnDelayMs", new ArenaRules { RespawnDelayMs = -1 } },
    };

    [Theory]
    [MemberData(nameof(Nonsense))]
    public void Nonsense_rules_are_rejected_naming_the_value(string name, ArenaRules rules)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(rules.Validate);
        Assert.Equal(name, error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArenaSimulation(rules, 1));
    }

    [Fact]
    public void Time_at_tick_rounds_down_for_tick_rates_that_do_not_divide_a_second()
    {
        var rules = new ArenaRules { TickHz = 30 };

        Assert.Equal(33, rules.TimeAtTick(1));
        Assert.Equal(1000, rules.TimeAtTick(30));
    }
}
