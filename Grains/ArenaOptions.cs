using Microsoft.Extensions.Options;

namespace Game.Grains;

/// <summary>
/// Server-side settings of arena rooms (configuration section <c>Arena</c>). The defaults are the arena
/// rules of shared protocol.md; load tests change them to measure larger rooms and other tick rates.
/// </summary>
public sealed class ArenaOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Arena";

    /// <summary>Seats per room. <value>Default: 8 (protocol.md).</value></summary>
    public int MaxPlayers { get; set; } = 8;

    /// <summary>Simulation ticks and snapshots per second, Hz. <value>Default: 20 (protocol.md).</value></summary>
    public int TickHz { get; set; } = 20;

    /// <summary>How often a room with players writes its checkpoint (besides every join and leave). <value>Default: 1 second.</value></summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The arena rules these options give (protocol.md values, with <see cref="MaxPlayers"/> and <see cref="TickHz"/>).</summary>
    public Arena.ArenaRules ToRules() => new() { MaxPlayers = MaxPlayers, TickHz = TickHz };
}

/// <summary>Rejects arena options the simulation cannot run with.</summary>
internal sealed class ArenaOptionsValidator : IValidateOptions<ArenaOptions>
{
    public ValidateOptionsResult Validate(string? name, ArenaOptions options)
    {
        if (options.MaxPlayers is < 1 or > Arena.ArenaRules.MaxSupportedPlayers)
            return ValidateOptionsResult.Fail($"Arena:MaxPlayers must be 1–{Arena.ArenaRules.MaxSupportedPlayers} (was {options.MaxPlayers}).");
        if (options.TickHz is < 1 or > 100)
            return ValidateOptionsResult.Fail($"Arena:TickHz must be 1–100 (was {options.TickHz}).");
        if (options.CheckpointInterval <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail($"Arena:CheckpointInterval must be positive (was {options.CheckpointInterval}).");
        return ValidateOptionsResult.Success;
    }
}
