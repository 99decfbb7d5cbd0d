namespace Game.LoadTest;

/// <summary>
/// One silo of a clustered server as the tester saw it during a run's measurement window, from the gateway's
/// <c>GET /cluster</c> view (sampled every <see cref="LoadRunOptions.ClusterSampleInterval"/> and once when the window closes).
/// In the summary JSON it is one entry of <c>silos</c>: <c>{"name","address","status","rooms","players","tick_p99_ms","cpu_pct","tick_late_p99_ms_max"}</c>.
/// </summary>
/// <param name="Address">The silo's address as the cluster reports it, e.g. <c>127.0.0.1:11111@123</c> (host:port@generation); the key that tells silos apart.</param>
/// <param name="Name">The silo's name (empty if the cluster gave none).</param>
/// <param name="Status">The silo's membership status in the last sample that listed it, lower case: <c>joining</c>, <c>active</c>, <c>shuttingdown</c>, <c>dead</c>.</param>
/// <param name="Rooms">Room grains the cluster's directory placed on the silo, in the last sample that listed it.</param>
/// <param name="Players">Player grains placed on the silo, in the last sample that listed it.</param>
/// <param name="TickP99Ms">The silo's timer-tick (room tick) p99 in the last sample that listed it, ms; null if the cluster did not report it.</param>
/// <param name="CpuPercent">
/// The silo process's CPU, % of one core (two busy cores = 200): the mean over the samples that reported it, each
/// covering the silo's last heartbeat period; null if no sample reported it (older servers).
/// </param>
/// <param name="Samples">Samples of the window that listed this silo.</param>
public sealed record SiloSummary(
    string Address,
    string Name,
    string Status,
    int Rooms,
    int Players,
    double? TickP99Ms,
    double? CpuPercent,
    int Samples)
{
    /// <summary>
    /// The highest p99 of how late the silo's room ticks started after they were due (each sample's covers the silo's
    /// last 2,048 ticks), over the samples that reported it, ms; null if none did (older servers). Late ticks on a silo
    /// widen the pause its rooms' players see between snapshots by as much; a gap between snapshots that its silo's
    /// lateness does not explain happened on the way to the players.
    /// </summary>
    public double? TickLateP99MsMax { get; init; }

    /// <summary>The name, or the address when the silo has no name: how reports label the silo.</summary>
    public string Label => Name.Length > 0 ? Name : Address;
}
