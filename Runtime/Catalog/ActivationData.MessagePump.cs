using System.Diagnostics;

namespace Game.Runtime.Catalog;

internal sealed partial class ActivationData
{
    private readonly Queue<WorkItem> _mailbox = new();
    private bool _pumpRunning;
    private List<WorkItem>? _heldForNextActivation;

    /// <summary>
    /// Queues <paramref name="item"/> as a turn. Returns false when the activation is gone (the caller
    /// re-routes). While deactivating, calls are held and handed to the next activation.
    /// </summary>
    public bool TryEnqueue(WorkItem item)
    {
        var startPump = false;
        var runInterleaved = false;
        lock (_lock)
        {
            switch (_state)
            {
                case ActivationState.Invalid:
                    return false;
                case ActivationState.Deactivating:
                    if (item is Message) (_heldForNextActivation ??= []).Add(item);
                    return true;
                case ActivationState.Valid when MayInterleave(item):
                    runInterleaved = true;
                    break;
                default:
                    _mailbox.Enqueue(item);
                    if (!_pumpRunning) _pumpRunning = startPump = true;
                    break;
            }
        }

        if (item.CountsAsActivity) MarkActive();
        if (runInterleaved) StartInterleaved(item);
        else if (startPump) StartPump();
        return true;
    }

    /// <summary>Whether <paramref name="item"/> may run beside the current turn ([AlwaysInterleave] method or [Reentrant] grain).</summary>
    private bool MayInterleave(WorkItem item) => item.Interleave || GrainClass.IsReentrant;

    /// <summary>Runs a turn beside the current one; both stay on the activation's single-threaded scheduler.</summary>
    private void StartInterleaved(WorkItem item)
        => _ = Task.Factory.StartNew(static s => ((ActivationData)((object[])s!)[0]).RunTurnAsync((WorkItem)((object[])s)[1]),
            new object[] { this, item }, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();

    private void StartPump()
        => _ = Task.Factory.StartNew(static s => ((ActivationData)s!).RunPumpAsync(), this,
            CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();

    /// <summary>The message pump: one turn at a time, in order, on the activation's scheduler. Control (deactivation) first.</summary>
    private async Task RunPumpAsync()
    {
        while (true)
        {
            WorkItem? item;
            lock (_lock)
            {
                if (_deactivationRequested is { } reason && _state == ActivationState.Valid)
                {
                    _deactivationRequested = null;
                    item = new DeactivateWorkItem(reason);
                }
                else if (!_mailbox.TryDequeue(out item))
                {
                    _pumpRunning = false;
                    return;
                }
            }
            await RunTurnAsync(item);
        }
    }

    private async Task RunTurnAsync(WorkItem item)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await item.ExecuteAsync(this);
        }
        catch (Exception ex)
        {
            Log.TurnFailed(ex, item.ToString() ?? item.GetType().Name, GrainId);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed > _catalog.TurnWarningLength) Log.LongTurn(item.ToString() ?? item.GetType().Name, GrainId, elapsed.TotalMilliseconds);
    }

    /// <summary>Removes and returns everything still queued or held (the activation is ending).</summary>
    private List<WorkItem> DrainMailbox()
    {
        var drained = new List<WorkItem>(_mailbox);
        _mailbox.Clear();
        if (_heldForNextActivation is { } held) drained.AddRange(held);
        _heldForNextActivation = null;
        return drained;
    }
}
