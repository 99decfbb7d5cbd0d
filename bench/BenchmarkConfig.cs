using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Toolchains.CsProj;
using BenchmarkDotNet.Toolchains.DotNetCli;

namespace Game.Benchmarks;

/// <summary>
/// The configuration every run starts from: BenchmarkDotNet's defaults plus a default job whose toolchain knows where
/// this project file is. BenchmarkDotNet 0.14 otherwise assumes the project file is named after the assembly
/// (<c>Game.Benchmarks.csproj</c>), but it is <c>bench/Benchmarks.csproj</c>, and fails with "Unable to find Game.Benchmarks".
/// </summary>
/// <remarks>
/// A default job in the configuration takes the place of the <c>--job</c> preset, so <see cref="Create"/> reads
/// <c>--job</c>/<c>-j</c> itself and starts from that preset; every other command-line option (iteration counts,
/// filters, exporters…) is applied on top by BenchmarkDotNet as usual.
/// </remarks>
internal static class BenchmarkConfig
{
    private const string TargetFramework = "net10.0";

    /// <summary>The configuration to pass to <c>BenchmarkSwitcher.Run</c>, for these command-line arguments.</summary>
    /// <param name="args">The command line; only <c>--job</c>/<c>-j</c> is read here.</param>
    public static IConfig Create(string[] args)
    {
        string projectPath = typeof(BenchmarkConfig).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BenchmarkProjectPath").Value!;
        // The same parts CsProjCoreToolchain.From uses, with the located generator. A null path or version means
        // "the default" (the dotnet on PATH, the usual packages folder), though 0.14 annotates the parameters non-null.
        var toolchain = new Toolchain(
            ".NET 10.0",
            new LocatedProjectGenerator(projectPath),
            new DotNetCliBuilder(TargetFramework, customDotNetCliPath: null!),
            new DotNetCliExecutor(customDotNetCliPath: null!));
        return DefaultConfig.Instance.AddJob(Preset(args).WithToolchain(toolchain).AsDefault());
    }

    // The job preset named by --job / -j (BenchmarkDotNet's names), Job.Default when absent.
    private static Job Preset(string[] args)
    {
        string? name = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if ((arg is "--job" or "-j") && i + 1 < args.Length)
            {
                name = args[i + 1];
            }
            else if (arg.StartsWith("--job=", StringComparison.Ordinal))
            {
                name = arg["--job=".Length..];
            }
        }

        return name?.ToLowerInvariant() switch
        {
            null or "default" => Job.Default,
            "dry" => Job.Dry,
            "short" => Job.ShortRun,
            "medium" => Job.MediumRun,
            "long" => Job.LongRun,
            "verylong" => Job.VeryLongRun,
            _ => throw new ArgumentException($"Unknown --job '{name}': use default, dry, short, medium, long or verylong.", nameof(args)),
        };
    }

    /// <summary>BenchmarkDotNet's csproj generator, pointed at a known project file instead of searching by assembly name.</summary>
    private sealed class LocatedProjectGenerator(string projectPath)
        : CsProjGenerator(TargetFramework, cliPath: null!, packagesPath: null!, runtimeFrameworkVersion: null!, isNetCore: true)
    {
        protected override FileInfo GetProjectFilePath(Type benchmarkTarget, ILogger logger) => new(projectPath);
    }
}
