namespace Game.Gateway.Tests;

/// <summary>
/// The room's wrong-password limit through a real gateway and silo (shared protocol.md v1.1, "Connections and
/// operators"): 20 wrong passwords per room per minute from all connections, then <c>rate_limited</c> even for the right
/// password. (The minute passing is tested on a fake clock in Grains.Tests and, per connection, in ConnectionRulesTests.)
/// </summary>
[Collection(RealGatewayCollection.Name)]
public sealed class PasswordLimitsEndToEndTests(RealGateway gateway)
{
    private async Task<TestClient> WelcomedAsync(string name)
    {
        var client = await gateway.ConnectAsync(name);
        await client.HelloAsync(name);
        return client;
    }

    [Fact]
    public async Task Twenty_wrong_passwords_from_several_connections_lock_the_room_even_for_the_right_one()
    {
        var room = RealGateway.NewRoom("guess");
        await using var host = await WelcomedAsync("Host");
        await host.JoinAsync(room, password: "s3cret");

        // 5 connections × 4 wrong each: every connection stays under its own limit of 5.
        var guessers = new List<TestClient>();
        try
        {
            for (var c = 0; c < 5; c++)
            {
                var guesser = await WelcomedAsync($"G{c}");
                guessers.Add(guesser);
                for (var i = 0; i < 4; i++)
                {
                    await guesser.SendAsync(new { type = "join", room, password = $"guess-{c}-{i}" });
                    await guesser.ExpectErrorAsync("wrong_password");
                }
            }

            await using var late = await WelcomedAsync("Late"); // a fresh connection: the room's limit, not its own
            await late.SendAsync(new { type = "join", room });
            await late.ExpectErrorAsync("wrong_password"); // no password: "a password is needed", not counted
            await late.SendAsync(new { type = "join", room, password = "s3cret" });
            var limited = await late.ExpectErrorAsync("rate_limited");
            Assert.Contains("wrong passwords", limited.GetProperty("message").GetString(), StringComparison.Ordinal);

            // The host, already seated, is untouched; another room is not affected.
            await host.JoinAsync(room, password: "s3cret");
            var other = RealGateway.NewRoom("open");
            await late.JoinAsync(other);
        }
        finally
        {
            foreach (var g in guessers) await g.DisposeAsync();
        }
    }
}
