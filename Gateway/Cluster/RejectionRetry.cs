using Orleans.Runtime;

namespace Game.Gateway.Cluster;

/// <summary>
/// The gateway's rule for a grain call Orleans could not deliver (<see cref="OrleansMessageRejectionException"/>, most
/// often because the silo it was addressed to has just died and membership has not yet said so: about a second with
/// this cluster's settings, docs/orleans.md): try again after 0.25, 0.5, 1 and 1.5 s, 3.25 s in all, so a player who
/// says <c>hello</c> or joins in the first seconds after a silo dies waits instead of being answered <c>unavailable</c>.
/// Used where a second try is safe: a new session under a new id, a join, and a room's stream subscription.
/// </summary>
internal static class RejectionRetry
{
    /// <summary>The waits before each new try, in order.</summary>
    public static readonly TimeSpan[] Delays =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5)];

    /// <summary>The wait before trying again a call that failed with <paramref name="failure"/> on try <paramref name="attempt"/> (from 0); null: do not.</summary>
    public static TimeSpan? RetryAfter(Exception failure, int attempt) =>
        failure is OrleansMessageRejectionException && attempt < Delays.Length ? Delays[attempt] : null;

    /// <summary>
    /// As <see cref="RetryAfter"/>, and besides, a first try that timed out (<see cref="TimeoutException"/>: the silo it
    /// went to stopped answering, frozen or dying, and membership declares such a silo dead within seconds) is made again
    /// at once. For a call that is safe to make twice even if the first one took effect late.
    /// </summary>
    public static TimeSpan? RetryAfterOrOnceAfterTimeout(Exception failure, int attempt) =>
        RetryAfter(failure, attempt) ?? (failure is TimeoutException && attempt == 0 ? TimeSpan.Zero : null);

    /// <summary>
    /// Makes <paramref name="call"/> (given the try's number, from 0) until it succeeds or fails in a way
    /// <paramref name="retryAfter"/> (default <see cref="RetryAfter"/>) does not try again, waiting on
    /// <paramref name="time"/> between tries and telling <paramref name="retrying"/> of each failure tried again.
    /// </summary>
    /// <returns>The first successful call's result.</returns>
    /// <exception cref="Exception">The last call's failure.</exception>
    public static async Task<T> CallAsync<T>(Func<int, Task<T>> call, TimeProvider time, Action<Exception, TimeSpan> retrying,
        Func<Exception, int, TimeSpan?>? retryAfter = null)
    {
        retryAfter ??= RetryAfter;
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan wait;
            try
            {
                return await call(attempt).ConfigureAwait(false);
            }
            catch (Exception ex) when (retryAfter(ex, attempt) is { } delay)
            {
                retrying(ex, delay);
                wait = delay;
            }
            await Task.Delay(wait, time).ConfigureAwait(false);
        }
    }
}
