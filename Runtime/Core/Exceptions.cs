namespace Game.Runtime;

/// <summary>
/// A call could not reach its grain: the hosting silo is stopped, dead or unreachable. The call may be
/// retried; the gateway maps it to the protocol's <c>unavailable</c>. Stands for Orleans's <c>SiloUnavailableException</c>.
/// </summary>
/// <param name="message">What was not reachable.</param>
public sealed class SiloUnavailableException(string message) : Exception(message);
