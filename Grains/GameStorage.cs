namespace Game.Grains;

/// <summary>Names of the grain storage providers the game's grains use; the silo host registers providers under them.</summary>
public static class GameStorage
{
    /// <summary>
    /// Room checkpoints and player sessions (<c>IPersistentState&lt;T&gt;</c>): memory storage in one process, ADO.NET on
    /// PostgreSQL in a cluster. Written with ETags: a writer whose ETag is stale fails instead of overwriting.
    /// </summary>
    public const string Name = "game";

    /// <summary>Orleans's stream pub-sub state (who subscribed to which room stream), the name Orleans looks up.</summary>
    public const string PubSub = "PubSubStore";
}

/// <summary>
/// Whether grain state outlives the silo's process (PostgreSQL in a cluster) or not (memory storage in one process).
/// A room whose process is ending writes its final state only where that state will be read again.
/// </summary>
/// <param name="Durable">True when state is kept outside the process.</param>
public sealed record GameStorageDurability(bool Durable);
