using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Game.Grains;

/// <summary>Registers what the game's grains need besides the runtime.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="ArenaOptions"/> (section <c>Arena</c>) at start, and places players with their rooms.</summary>
    public static IServiceCollection AddGameGrains(this IServiceCollection services)
    {
        services.AddOptions<ArenaOptions>().BindConfiguration(ArenaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ArenaOptions>, ArenaOptionsValidator>();
        services.AddSingleton<Runtime.Placement.IColocationResolver, Players.PlayerColocation>();
        services.AddSingleton<Players.LocalInputBuffers>();
        return services;
    }
}
