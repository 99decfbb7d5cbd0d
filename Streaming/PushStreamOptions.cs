namespace Game.Streaming;

/// <summary>Options of the push stream providers of a process (configuration section <see cref="Section"/>).</summary>
public sealed class PushStreamOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Streams";

    /// <summary>
    /// How many endpoints (grain observers) a process delivers through. Each delivers one item at a time; the streams are
    /// spread over them by id. <value>Default: the number of processors.</value>
    /// </summary>
    public int Endpoints { get; set; } = Environment.ProcessorCount;

    /// <summary>How often a process renews its consumer and producer leases. <value>Default: 20 s.</value></summary>
    public TimeSpan RenewPeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a rendezvous keeps an endpoint that stopped renewing (its process died), and how long a producer keeps
    /// a stream it stopped publishing on. <value>Default: 60 s (three renewals).</value>
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a rendezvous waits for a producer to take a change of consumers before it drops that producer (a dead
    /// or frozen process; a live one registers again at its next renewal). <value>Default: 1 s.</value>
    /// </summary>
    public TimeSpan NotifyTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a consuming process holds an item that came before one sent earlier (Orleans may route two messages
    /// to a client along different paths) waiting for the missing one; after that it gives up on it and hands over
    /// what it holds, in order. Items that come later than that are dropped. <value>Default: 100 ms.</value>
    /// </summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How many items a producer holds while it does not yet know its stream's consumers (its rendezvous is being
    /// reached); beyond that the oldest are dropped. <value>Default: 256 (about 13 s of a 20 Hz room).</value>
    /// </summary>
    public int MaxPending { get; set; } = 256;
}
