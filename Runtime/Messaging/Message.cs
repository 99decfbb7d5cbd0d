namespace Game.Runtime.Catalog;

/// <summary>Where a call's outcome goes: the caller's typed task (locally) or a response frame (remotely).</summary>
internal interface IResponseSink
{
    void Complete(object? result);

    void Fail(Exception exception);
}

/// <summary>
/// The caller's side of a call: completes the typed task the proxy returned. Completion is handed to the
/// thread pool (the sink is its own work item, so the hop allocates nothing): the caller's continuation
/// never runs on, or blocks, the activation that produced the response.
/// </summary>
internal sealed class ResponseCompletionSource<T> : TaskCompletionSource<T>, IResponseSink, IThreadPoolWorkItem
{
    private T? _result;
    private Exception? _exception;

    public void Complete(object? result)
    {
        _result = (T)result!;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Fail(Exception exception)
    {
        _exception = exception;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_exception is { } ex) TrySetException(ex);
        else TrySetResult(_result!);
    }
}

/// <summary>
/// A grain call in flight: target, method, arguments and where the response goes (null for one-way).
/// It is also the mailbox work item that runs the call as a turn of the target activation.
/// </summary>
internal sealed class Message(GrainId target, GrainMethod method, object?[] arguments, IResponseSink? response) : WorkItem
{
    public GrainId Target { get; } = target;

    public GrainMethod Method { get; } = method;

    public object?[] Arguments { get; } = arguments;

    public IResponseSink? Response { get; } = response;

    /// <summary>How many times the message was re-routed (activation deactivating, placement lost a race).</summary>
    public int ForwardCount { get; set; }

    public override bool Interleave => Method.AlwaysInterleave;

    public override bool CountsAsActivity => true;

    public override async Task ExecuteAsync(ActivationData activation)
    {
        Task task;
        try
        {
            task = Method.Invoke(activation.Instance!, Arguments);
        }
        catch (Exception ex)
        {
            Fail(activation, ex);
            return;
        }

        try
        {
            await task;
        }
        catch (Exception ex)
        {
            Fail(activation, ex);
            return;
        }

        Response?.Complete(Method.GetResult(task));
    }

    private void Fail(ActivationData activation, Exception ex)
    {
        if (Response is null) activation.Log.OneWayCallFailed(ex, Method.ToString(), Target);
        else Response.Fail(ex);
    }

    public override void Reject(Exception reason)
    {
        Response?.Fail(reason);
    }

    public override string ToString() => $"{Method} on {Target}";
}

/// <summary>An entry in an activation's mailbox: a call, a timer tick or a lifecycle step.</summary>
internal abstract class WorkItem
{
    /// <summary>Whether it may run while another turn is awaiting, instead of queueing.</summary>
    public abstract bool Interleave { get; }

    /// <summary>Whether queueing it counts as activity for idle collection.</summary>
    public abstract bool CountsAsActivity { get; }

    /// <summary>Runs the item as a turn; must not throw (items report their own failures).</summary>
    public abstract Task ExecuteAsync(ActivationData activation);

    /// <summary>The item will never run (activation failed); tell whoever waits.</summary>
    public abstract void Reject(Exception reason);
}
