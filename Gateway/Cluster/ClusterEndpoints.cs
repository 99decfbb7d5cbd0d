using Game.Grains.Interfaces;
using Game.Runtime;
using Game.Runtime.Directory;
using Game.Runtime.Membership;

namespace Game.Gateway.Cluster;

/// <summary>
/// The operator's view and controls of a cluster, on every gateway in cluster mode:
/// <c>GET /cluster</c> (silos with status, rooms, players, p99 tick time and CPU) and
/// <c>POST /cluster/rooms/{id}/migrate</c> (move a room to another silo while it plays).
/// </summary>
internal static class ClusterEndpoints
{
    /// <summary>Maps the operator endpoints.</summary>
    public static WebApplication MapClusterEndpoints(this WebApplication app)
    {
        app.MapGet("/cluster", ClusterAsync);
        app.MapPost("/cluster/rooms/{id}/migrate", MigrateAsync);
        return app;
    }

    /// <summary>
    /// <c>{"version":N,"silos":[{"address","name","status","started","heartbeat","rooms","players","activations","tickP99Ms","cpuPercent"}]}</c>;
    /// rooms and players are the grains of each kind the directory places on the silo; status is lower case; cpuPercent
    /// is the silo process's CPU over its last heartbeat period, % of one core.
    /// </summary>
    private static async Task<IResult> ClusterAsync(IClusterMembershipView membership, IGrainDirectory directory, CancellationToken cancellationToken)
    {
        var snapshot = membership.Current;
        var rooms = await directory.CountBySilo("room", cancellationToken);
        var players = await directory.CountBySilo("player", cancellationToken);
        return Results.Json(new
        {
            version = snapshot.Version,
            silos = snapshot.Entries.OrderBy(e => e.StartTime).Select(e => new
            {
                address = e.Silo.ToString(),
                name = e.Name,
                status = e.Status.ToString().ToLowerInvariant(),
                started = e.StartTime,
                heartbeat = e.IAmAliveTime,
                rooms = rooms.GetValueOrDefault(e.Silo),
                players = players.GetValueOrDefault(e.Silo),
                activations = e.Load.Activations,
                tickP99Ms = Math.Round(e.Load.TimerTickP99Ms, 3),
                cpuPercent = Math.Round(e.Load.CpuPercent, 1),
            }),
        });
    }

    /// <summary>Moves room <c>id</c> to another silo: <c>{"room","from","to"}</c>; 404 when the room is not active.</summary>
    private static async Task<IResult> MigrateAsync(string id, IGrainFactory grains, IGrainDirectory directory, CancellationToken cancellationToken)
    {
        var roomId = new GrainId("room", id);
        var from = await directory.Lookup(roomId, cancellationToken);
        if (from is null) return Results.NotFound(new { error = $"Room '{id}' is not active." });
        var room = grains.GetGrain<IRoomGrain>(id);
        await room.Migrate();
        await room.Describe(); // held until the old activation ends, then activates the room on its new silo
        var to = await directory.Lookup(roomId, cancellationToken);
        return Results.Json(new { room = id, from = from.Silo.ToString(), to = to?.Silo.ToString() });
    }
}
