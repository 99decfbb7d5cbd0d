return await Game.LoadTest.Cli.LoadTestCommand.InvokeAsync(args).ConfigureAwait(false);
