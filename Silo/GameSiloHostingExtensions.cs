using Game.Grains;
using Game.Grains.Interfaces;
using Game.Runtime.Hosting;
using Microsoft.Extensions.Hosting;

namespace Game.Silo;

/// <summary>Hosts the game's silo (room, player and lobby grains, room streams) in a process.</summary>
public static class GameSiloHostingExtensions
{
    /// <summary>
    /// Adds a silo with the game's grains to <paramref name="builder"/>: in-process membership and the
    /// in-memory stream provider <see cref="RoomStreams.Provider"/> (the embedded single-process default).
    /// Arena settings come from the <c>Arena</c> section (<see cref="ArenaOptions"/>).
    /// </summary>
    /// <param name="builder">The host builder (a gateway co-hosting its silo, or the silo process).</param>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddGameSilo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGameGrains();
        builder.UseSilo(silo => silo
            .UseLocalhostClustering()
            .AddMemoryStreams(RoomStreams.Provider)
            .AddApplicationPart(typeof(GrainsAssembly).Assembly));
        return builder;
    }
}
