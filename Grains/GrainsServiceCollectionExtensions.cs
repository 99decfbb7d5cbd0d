using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Game.Grains;

/// <summary>Registers what the game's grains need from a silo's services besides Orleans.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="ArenaOptions"/> (section <c>Arena</c>) at start, and adds the silo's
    /// <see cref="Rooms.LocalRooms"/> and the system <see cref="TimeProvider"/> (unless one is registered: tests).
    /// </summary>
    public static IServiceCollection AddGameGrains(this IServiceCollection services)
    {
        services.AddOptions<ArenaOptions>().BindConfiguration(ArenaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ArenaOptions>, ArenaOptionsValidator>();
        services.AddSingleton<Rooms.LocalRooms>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
