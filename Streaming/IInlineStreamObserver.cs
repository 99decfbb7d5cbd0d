namespace Game.Streaming;

/// <summary>
/// Marks a push stream observer (an <c>IAsyncObserver&lt;T&gt;</c> given to <c>SubscribeAsync</c>) that may take the
/// items of a producer in its own process inside the producer's turn, on the producer's thread, rather than on a
/// thread-pool thread after it: the hop costs a work item and often a worker's wake-up per item (docs/performance.md,
/// issue 11, "Nineteenth pass"). Items from other processes, and items that find another delivery to the stream under
/// way, still come on a thread-pool thread; either way they come one at a time and in each producer's order.
/// </summary>
/// <remarks>
/// <para>An observer that implements this promises that its <c>OnNextAsync</c>, <c>OnErrorAsync</c> and
/// <c>OnCompletedAsync</c> are safe inside a grain's turn: they return without blocking (a task they return that is not
/// complete goes on without the turn, which does not wait for it); they make no grain call and schedule nothing on
/// <see cref="System.Threading.Tasks.TaskScheduler.Current"/> (no <c>await</c> without <c>ConfigureAwait(false)</c>,
/// no <c>Task.Factory.StartNew</c> or <c>Task.Yield</c>; <c>Task.Run</c> and the thread pool are fine), because both
/// would run as the producing grain; and what they throw is logged, never seen by the producer.</para>
/// <para>The provider takes items inline only when every local subscription of the stream is such an observer.</para>
/// </remarks>
public interface IInlineStreamObserver;
