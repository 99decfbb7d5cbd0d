namespace Game.Runtime.Catalog;

/// <summary>
/// The single-threaded task scheduler of one activation: every turn and every continuation of grain code
/// runs here, one at a time, on thread-pool threads. This is what keeps interleaved turns from running in
/// parallel. Holds its lock only to move queue entries; runs tasks outside it.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    /// <summary>Tasks run per thread-pool dispatch before yielding the thread (fairness across activations).</summary>
    private const int MaxTasksPerDispatch = 64;

    [ThreadStatic] private static ActivationTaskScheduler? s_running;

    private readonly Queue<Task> _queue = new();
    private readonly Lock _lock = new();
    private bool _dispatched;

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        lock (_lock)
        {
            _queue.Enqueue(task);
            if (_dispatched) return;
            _dispatched = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        s_running = this;
        try
        {
            for (var i = 0; i < MaxTasksPerDispatch; i++)
            {
                Task? task;
                lock (_lock)
                {
                    if (!_queue.TryDequeue(out task))
                    {
                        _dispatched = false;
                        return;
                    }
                }
                TryExecuteTask(task);
            }
        }
        finally
        {
            s_running = null;
        }

        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                _dispatched = false;
                return;
            }
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Runs a task inline only when this thread is already running this scheduler's tasks.</summary>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued)
        => s_running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_lock) return _queue.ToArray();
    }
}
