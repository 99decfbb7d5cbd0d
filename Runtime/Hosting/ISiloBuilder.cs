using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Runtime.Hosting;

/// <summary>
/// Configures a silo: its services, grain classes, clustering and stream providers.
/// Stands for Orleans's <c>ISiloBuilder</c>.
/// </summary>
public interface ISiloBuilder
{
    /// <summary>The host's service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>The host's configuration.</summary>
    IConfiguration Configuration { get; }
}

/// <summary>The lifecycle status of a silo. Stands for Orleans's <c>SiloStatus</c>.</summary>
public enum SiloStatus
{
    /// <summary>Constructed, not started.</summary>
    Created,
    /// <summary>Starting: joining the cluster, not yet taking grains.</summary>
    Joining,
    /// <summary>Running and taking new activations.</summary>
    Active,
    /// <summary>Stopping gracefully: takes no new activations, moves or deactivates its own.</summary>
    ShuttingDown,
    /// <summary>Stopped.</summary>
    Dead,
}

/// <summary>
/// An address of a silo: its cluster endpoint and the generation (start time, ms since the Unix epoch)
/// that tells a restarted silo on the same endpoint from its predecessor. Stands for Orleans's <c>SiloAddress</c>.
/// </summary>
/// <param name="Host">The host name or IP of the silo's cluster endpoint.</param>
/// <param name="Port">The silo's cluster port; 0 in the single-process default.</param>
/// <param name="Generation">Start time of the silo process, ms since the Unix epoch.</param>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port}@{Generation}";

    /// <summary>Parses the <c>host:port@generation</c> form of <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static SiloAddress Parse(string text)
    {
        var at = text.LastIndexOf('@');
        var colon = at > 0 ? text.LastIndexOf(':', at) : -1;
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1, at - colon - 1), out var port)
            || !long.TryParse(text.AsSpan(at + 1), out var generation))
        {
            throw new FormatException($"'{text}' is not a silo address of the form host:port@generation.");
        }
        return new SiloAddress(text[..colon], port, generation);
    }
}

/// <summary>
/// This silo's own status and address, for readiness checks and placement.
/// Stands for Orleans's <c>ISiloStatusOracle</c>.
/// </summary>
public interface ISiloStatusOracle
{
    /// <summary>This silo's address.</summary>
    SiloAddress SiloAddress { get; }

    /// <summary>This silo's current status.</summary>
    SiloStatus CurrentStatus { get; }
}
