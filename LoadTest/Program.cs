// Socket completions run inline on the socket engine's threads instead of hopping to the thread pool: each bot's
// work per frame is tiny and never blocks, and skipping the hop saved ~10 % of the tester's CPU at 1,000 bots.
// Read once when sockets are first used, so it must be set before anything connects. An explicit setting wins.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

return await Game.LoadTest.Cli.LoadTestCommand.InvokeAsync(args).ConfigureAwait(false);
