namespace Game.Runtime.Catalog;

/// <summary>
/// Moves messages to activations. The local router delivers to this silo's catalog; a clustered router
/// resolves the target through the grain directory and sends it over the network. Grain code never sees it.
/// </summary>
internal interface IMessageRouter
{
    /// <summary>Sends <paramref name="message"/> towards its target's activation. Never throws: failures go to the message's response.</summary>
    void Send(Message message);
}

/// <summary>Delivers every message to this silo's catalog (single-process clustering).</summary>
internal sealed class LocalMessageRouter(Catalog catalog) : IMessageRouter
{
    public void Send(Message message) => catalog.Deliver(message);
}
