namespace Game.Silo;

/// <summary>
/// Where this process sits in the cluster (configuration sections <c>Cluster</c> and <c>Silo</c>). Orleans's own
/// options (membership timings, messaging) bind from <c>Orleans:*</c> sections on top of the defaults set in
/// <see cref="GameSiloHostingExtensions"/>.
/// </summary>
public sealed class GameClusterOptions
{
    /// <summary>Configuration section of the cluster-wide settings.</summary>
    public const string Section = "Cluster";

    /// <summary>
    /// The cluster's Npgsql connection string: set, every process (silos and gateways) runs in cluster mode with
    /// membership and grain state in PostgreSQL; absent, the gateway co-hosts a single silo with in-memory clustering,
    /// storage and streams. Never logged. <value>Default: absent.</value>
    /// </summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// Whether silos collect the Orleans Dashboard's grain statistics and gateways serve it at <c>/dashboard</c> (behind
    /// the operator token). It times every grain call: about 6 % of a core at 800 players (docs/performance.md), so it
    /// is on only where an operator can see it: when <c>Admin:Token</c> is configured. In a cluster give the silos the
    /// same <c>Admin__Token</c> as the gateways (they serve nothing, but then collect).
    /// <value>Default: null, on exactly when <c>Admin:Token</c> is set; true or false to force it.</value>
    /// </summary>
    public bool? Dashboard { get; set; }

    /// <summary>Whether the dashboard is on for <paramref name="configuration"/> (see <see cref="Dashboard"/>).</summary>
    public bool DashboardEnabled(Microsoft.Extensions.Configuration.IConfiguration configuration)
        => Dashboard ?? !string.IsNullOrEmpty(configuration["Admin:Token"]);

    /// <summary>Orleans <c>ClusterId</c> and <c>ServiceId</c>: processes with the same id and database form one cluster. <value>Default: <c>game</c>.</value></summary>
    public string Id { get; set; } = "game";
}

/// <summary>A silo process's endpoints in cluster mode (configuration section <see cref="Section"/>).</summary>
public sealed class SiloEndpointOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Silo";

    /// <summary>Silo-to-silo port. <value>Default: 0, any free port.</value></summary>
    public int Port { get; set; }

    /// <summary>Port where gateways (Orleans clients) connect. <value>Default: 0, any free port.</value></summary>
    public int GatewayPort { get; set; }

    /// <summary>The address other processes reach this silo at. <value>Default: 127.0.0.1.</value></summary>
    public string AdvertisedHost { get; set; } = "127.0.0.1";
}
