using Orleans.Runtime;

namespace Game.Gateway.Cluster;

/// <summary>
/// The gateway's rule for a grain call Orleans could not deliver (<see cref="OrleansMessageRejectionException"/>, most
/// often because the silo it was addressed to has just died and membership has not yet said so: about a second with
/// this cluster's settings, docs/cluster.md): try again after 0.25, 0.5, 1 and 1.5 s, 3.25 s in all, so a player who
/// says <c>hello</c> or joins in the first seconds after a silo dies waits instead of being answered <c>unavailable</c>.
/// Used where a second try is safe: a new session under a new id, and a room's stream subscription.
/// </summary>
internal static class RejectionRetry
{
    /// <summary>The waits before each new try, in order.</summary>
    public static readonly TimeSpan[] Delays =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5)];

    /// <summary>Whether a call that failed with <paramref name="failure"/> on try <paramref name="attempt"/> (from 0) is tried again, after <c>Delays[attempt]</c>.</summary>
    public static bool ShouldRetry(Exception failure, int attempt) => failure is OrleansMessageRejectionException && attempt < Delays.Length;
}
