namespace Game.LoadTest;

/// <summary>One silo's entry of one <c>GET /cluster</c> answer (the fields the tester reports; see <see cref="SiloSummary"/>).</summary>
/// <param name="Address">host:port@generation.</param>
/// <param name="Name">The silo's name, or empty.</param>
/// <param name="Status">Lower-case membership status.</param>
/// <param name="Rooms">Room grains placed on the silo.</param>
/// <param name="Players">Player grains placed on the silo.</param>
/// <param name="TickP99Ms">Timer-tick p99, ms, or null when absent.</param>
/// <param name="CpuPercent">The silo process's CPU over its last heartbeat period, % of one core, or null when absent.</param>
/// <param name="TickLateP99Ms">p99 of how late the silo's last room ticks started after they were due, ms, or null when absent.</param>
internal sealed record SiloSample(string Address, string Name, string Status, int Rooms, int Players, double? TickP99Ms, double? CpuPercent,
    double? TickLateP99Ms = null);
