using BenchmarkDotNet.Running;
using Game.Benchmarks;

// Every benchmark in this assembly; pick with --filter, e.g. --filter '*Arena*' (see README.md).
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(args, BenchmarkConfig.Create(args));
