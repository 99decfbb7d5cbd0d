namespace Game.Runtime.Clustering.Postgres;

/// <summary>
/// The PostgreSQL clustering provider's settings (configuration section <c>Clustering:Postgres</c>). The
/// connection string is not here: it is passed to <see cref="PostgresClusteringExtensions.UsePostgresClustering"/>
/// and is never logged.
/// </summary>
public sealed class PostgresClusteringOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string Section = "Clustering:Postgres";

    /// <summary>
    /// Whether a heartbeat (<see cref="PostgresMembershipTable.UpdateIAmAliveAsync"/>) notifies watchers too, so
    /// that their views see fresh load figures for placement; status changes always notify.
    /// <value>Default: true.</value>
    /// </summary>
    public bool NotifyOnHeartbeat { get; set; } = true;

    /// <summary>
    /// How long the membership watch waits before reconnecting after its listening connection failed; the wait
    /// doubles with each further failure up to <see cref="WatchReconnectMaxDelay"/>.
    /// <value>Default: 500 ms.</value>
    /// </summary>
    public TimeSpan WatchReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between reconnection attempts of the membership watch. <value>Default: 5 seconds.</value></summary>
    public TimeSpan WatchReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After this long without a notification the membership watch pings its connection, so a connection that
    /// died silently is noticed and replaced. <value>Default: 30 seconds.</value>
    /// </summary>
    public TimeSpan WatchPingInterval { get; set; } = TimeSpan.FromSeconds(30);
}
