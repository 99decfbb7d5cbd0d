namespace Game.Protocol.Tests;

public class ProtocolLimitsTests
{
    [Theory]
    [InlineData("p1", true)]
    [InlineData("aB3_-x9Z", true)]
    [InlineData("", false)]
    [InlineData("p 1", false)]
    [InlineData("p\u00e9", false)]
    public void Player_ids_are_1_to_32_of_A_Za_z0_9(string id, bool valid)
    {
        Assert.Equal(valid, ProtocolLimits.IsValidPlayerId(id));
        Assert.True(ProtocolLimits.IsValidPlayerId(new string('a', 32)));
        Assert.False(ProtocolLimits.IsValidPlayerId(new string('a', 33)));
    }

    [Theory]
    [InlineData("arena", true)]
    [InlineData("relay", true)]
    [InlineData("pong", true)]
    [InlineData("board", true)]
    [InlineData("a-b_9", true)]
    [InlineData("abcdefghijklmnop", true)]
    [InlineData("abcdefghijklmnopq", false)]
    [InlineData("Arena", false)]
    [InlineData("", false)]
    [InlineData("a.b", false)]
    public void Kinds_are_1_to_16_of_a_z0_9(string kind, bool valid) => Assert.Equal(valid, ProtocolLimits.IsValidKind(kind));
}
