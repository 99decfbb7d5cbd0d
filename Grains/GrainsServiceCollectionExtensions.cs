using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Game.Grains.Kinds;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Game.Grains;

/// <summary>Registers what the game's grains need from a silo's services besides Orleans.</summary>
public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="ArenaOptions"/> (section <c>Arena</c>) at start, and adds the silo's
    /// <see cref="Rooms.LocalRooms"/> and <see cref="Rooms.TickSlots"/>, the room kinds (<see cref="Kinds.RoomKinds"/>) and the system
    /// <see cref="TimeProvider"/> (unless one is registered: tests). Grain timers (Orleans's
    /// <see cref="TimeProviderNames.Grains"/> clock) run on a <see cref="Timing.PreciseTimeProvider"/> while that clock is
    /// the system's, so that rooms tick within about a millisecond of their schedule; on a test's clock otherwise.
    /// </summary>
    public static IServiceCollection AddGameGrains(this IServiceCollection services)
    {
        services.AddOptions<ArenaOptions>().BindConfiguration(ArenaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ArenaOptions>, ArenaOptionsValidator>();
        services.AddSingleton<Rooms.LocalRooms>();
        services.AddSingleton<Rooms.TickSlots>();
        services.AddSingleton<Kinds.RoomKinds>();
        services.AddRoomKind<Arena.ArenaKind>();
        services.AddRoomKind<Kinds.Relay.RelayKind>();
        services.AddRoomKind<Kinds.Pong.PongKind>();
        services.AddRoomKind<Kinds.Board.BoardKind>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Timing.PreciseTimeProvider>(_ => new Timing.PreciseTimeProvider("Grain timers"));
        services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Grains, static (provider, _) =>
            provider.GetRequiredService<TimeProvider>() is var clock && ReferenceEquals(clock, TimeProvider.System)
                ? provider.GetRequiredService<Timing.PreciseTimeProvider>()
                : clock);
        return services;
    }
}
