using Game.Grains;
using Game.Grains.Interfaces;
using Game.Runtime.Clustering.Postgres;
using Game.Runtime.Hosting;
using Microsoft.Extensions.Hosting;

namespace Game.Silo;

/// <summary>Hosts the game's silo (room, player and lobby grains, room streams), or a client of a cluster of them.</summary>
public static class GameSiloHostingExtensions
{
    /// <summary>
    /// The setting that switches cluster mode on, on every process: an Npgsql connection string
    /// (env <c>Cluster__Postgres</c>). Without it everything runs in one process with in-memory membership.
    /// </summary>
    public const string PostgresKey = "Cluster:Postgres";

    /// <summary>
    /// Adds a silo with the game's grains to <paramref name="builder"/>. Without <see cref="PostgresKey"/>: in-process
    /// membership and directory (the embedded single-process default). With it: a cluster member whose membership,
    /// room directory and room checkpoints live in PostgreSQL, listening for cluster traffic on <c>Silo:Port</c>
    /// (0 = any free port). Arena settings come from the <c>Arena</c> section (<see cref="ArenaOptions"/>).
    /// </summary>
    /// <param name="builder">The host builder (a gateway co-hosting its silo, or the silo process).</param>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddGameSilo(this IHostApplicationBuilder builder)
    {
        var postgres = builder.Configuration[PostgresKey];
        builder.Services.AddGameGrains();
        builder.UseSilo(silo =>
        {
            silo.AddMemoryStreams(RoomStreams.Provider).AddApplicationPart(typeof(GrainsAssembly).Assembly);
            if (string.IsNullOrWhiteSpace(postgres)) silo.UseLocalhostClustering();
            else silo.UsePostgresClustering(postgres).UseCluster();
        });
        return builder;
    }

    /// <summary>
    /// Makes this process a client of the cluster named by <paramref name="postgres"/> (a gateway in cluster mode):
    /// it hosts no grains and reaches the silos over the network; room streams come from the silos.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="postgres">The cluster's Npgsql connection string.</param>
    /// <returns>The same builder.</returns>
    public static IHostApplicationBuilder AddGameClusterClient(this IHostApplicationBuilder builder, string postgres)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(postgres);
        builder.Services.AddGameGrains(); // the client places new player grains with their rooms too
        builder.Services.AddPostgresClustering(postgres);
        builder.UseClusterClient(client => client
            .AddApplicationPart(typeof(GrainsAssembly).Assembly)
            .AddMemoryStreams(RoomStreams.Provider));
        return builder;
    }
}
