using System.Net;
using System.Net.Sockets;

namespace Game.LoadTest.Tests;

public sealed class CliTests
{
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cli_exits_non_zero_when_no_bot_can_connect()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: every connect is refused

        var exit = await Cli.LoadTestCommand.InvokeAsync(
            ["--url", $"ws://127.0.0.1:{port}/ws", "--rooms", "1", "--players", "2", "--duration", "1", "--warmup", "0", "--plain"])
            .WaitAsync(RunDeadline);

        Assert.Equal(Cli.ExitCodes.NoBotConnected, exit);
    }

    [Theory]
    [InlineData("--rooms", "0")]
    [InlineData("--encoding", "xml")]
    [InlineData("--url", "http://127.0.0.1:1/")]
    [InlineData("--no-such-flag", "1")]
    public async Task Cli_exits_non_zero_on_usage_errors(string flag, string value)
    {
        var exit = await Cli.LoadTestCommand.InvokeAsync([flag, value, "--plain"]).WaitAsync(RunDeadline);

        Assert.NotEqual(0, exit);
    }
}
