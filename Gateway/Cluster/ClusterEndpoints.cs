using Orleans;
using Game.Grains.Interfaces;
using Orleans.Runtime;

namespace Game.Gateway.Cluster;

/// <summary>
/// The operator's view and controls of a cluster, on every gateway in cluster mode: <c>GET /cluster</c> (silos with
/// status, rooms, players, p99 tick time and CPU) and <c>POST /cluster/rooms/{id}/migrate</c> (move a room to another
/// silo while it plays). Both need the operator token (<see cref="Operators.OperatorAccess"/>: bearer header or sign-in cookie).
/// </summary>
internal static class ClusterEndpoints
{
    /// <summary>How long an operator request may take before it answers 504. <value>10 seconds.</value></summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Maps the operator endpoints.</summary>
    public static WebApplication MapClusterEndpoints(this WebApplication app)
    {
        // Operator endpoints need the token (shared protocol.md v1.1, "Connections and operators"): 404 without one configured, 401 without it.
        app.MapGet("/cluster", ClusterAsync).AddEndpointFilter(Operators.OperatorAccess.Filter);
        app.MapPost("/cluster/rooms/{id}/migrate", MigrateAsync).AddEndpointFilter(Operators.OperatorAccess.Filter);
        return app;
    }

    /// <summary>
    /// <c>{"silos":[{"address","name","status","started","heartbeat","rooms","players","activations","tickP99Ms","tickLateP99Ms","cpuPercent"}]}</c>,
    /// built from Orleans's management grain (membership, runtime statistics: activations, CPU % of the machine) and each
    /// active silo's <see cref="ISiloStatsGrain"/> (rooms, players, tick duration and lateness p99, ms); status is lower case.
    /// </summary>
    private static async Task<IResult> ClusterAsync(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false).WaitAsync(Deadline);
        var active = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloAddress).ToArray();
        var runtime = active.Length == 0 ? [] : await management.GetRuntimeStatistics(active).WaitAsync(Deadline);
        var statistics = active.Zip(runtime).ToDictionary(p => p.First, p => p.Second);
        var rooms = await Task.WhenAll(active.Select(async silo =>
            (silo, stats: await grains.GetGrain<ISiloStatsGrain>(silo.ToParsableString()).Get().WaitAsync(Deadline))));
        var roomStats = rooms.ToDictionary(r => r.silo, r => r.stats);
        return Results.Json(new
        {
            silos = hosts.OrderBy(h => h.StartTime).Select(h =>
            {
                var r = roomStats.GetValueOrDefault(h.SiloAddress); // null: not active, or not asked
                var s = statistics.GetValueOrDefault(h.SiloAddress);
                return new
                {
                    address = h.SiloAddress.ToString(),
                    name = h.SiloName,
                    status = h.Status.ToString().ToLowerInvariant(),
                    started = h.StartTime,
                    heartbeat = h.IAmAliveTime,
                    rooms = r?.Rooms ?? 0,
                    players = r?.Players ?? 0,
                    activations = s?.ActivationCount ?? 0,
                    tickP99Ms = r is null ? (double?)null : Math.Round(r.TickP99Ms, 3),
                    tickLateP99Ms = r is null ? (double?)null : Math.Round(r.TickLateP99Ms, 3),
                    cpuPercent = s is null ? (double?)null : Math.Round((double)s.EnvironmentStatistics.FilteredCpuUsagePercentage, 1),
                };
            }),
        });
    }

    /// <summary>
    /// Moves room <c>id</c> to another active silo (the one with the fewest activations) by live migration:
    /// <c>{"room","from","to"}</c>; 404 when the room has no players, 409 when there is no other silo.
    /// </summary>
    private static async Task<IResult> MigrateAsync(string id, IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true).WaitAsync(Deadline);
        var room = grains.GetGrain<IRoomGrain>(id);
        var from = await room.Locate().WaitAsync(Deadline);
        if (from is null) return Results.NotFound(new { error = $"Room '{id}' has no players." });
        var others = hosts.Keys.Where(s => !s.Equals(from)).ToArray();
        if (others.Length == 0) return Results.Conflict(new { error = "No other active silo to move the room to." });
        var load = (await management.GetRuntimeStatistics(others).WaitAsync(Deadline)).Select(s => s.ActivationCount).ToArray();
        var to = others[Array.IndexOf(load, load.Min())];
        await room.Migrate(to).WaitAsync(Deadline);
        var now = await room.Locate().WaitAsync(Deadline); // activates the room at its new silo once the move is done
        return Results.Json(new { room = id, from = from.ToString(), to = now?.ToString() });
    }
}
