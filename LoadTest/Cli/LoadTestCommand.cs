namespace Game.LoadTest.Cli;

internal static class LoadTestCommand
{
    public static Task<int> InvokeAsync(string[] args) => Task.FromResult(0);
}
