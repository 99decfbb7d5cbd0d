namespace Game.Runtime.Catalog;

internal sealed partial class ActivationData
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastActivity;
    private long _keepAliveUntil;
    private DeactivationReason? _deactivationRequested;

    /// <summary>Completes when the activation has ended (deactivated, or failed to activate).</summary>
    public Task Ended => _ended.Task;

    public void MarkActive() => Volatile.Write(ref _lastActivity, _catalog.Time.GetTimestamp());

    /// <summary>Whether the activation is running and has had no activity for <paramref name="age"/>.</summary>
    public bool IsIdle(long now, TimeSpan age)
    {
        lock (_lock)
        {
            if (_state != ActivationState.Valid || _pumpRunning || _mailbox.Count > 0 || _deactivationRequested is not null) return false;
        }
        if (now < Volatile.Read(ref _keepAliveUntil)) return false;
        return _catalog.Time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) >= age;
    }

    public void DeactivateOnIdle() => RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle"));

    public void MigrateOnIdle()
    {
        _catalog.MigrationHints.Avoid(GrainId, _catalog.SiloAddress);
        RequestDeactivation(new DeactivationReason(DeactivationReasonCode.Migrating, "MigrateOnIdle"));
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        var until = _catalog.Time.GetTimestamp() + (long)(timeSpan.TotalSeconds * _catalog.Time.TimestampFrequency);
        long current;
        do
        {
            current = Volatile.Read(ref _keepAliveUntil);
            if (current >= until) return;
        }
        while (Interlocked.CompareExchange(ref _keepAliveUntil, until, current) != current);
    }

    /// <summary>Asks for deactivation as the next turn (control before queued calls, which go to the next activation).</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        var startPump = false;
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid || _deactivationRequested is not null) return;
            _deactivationRequested = reason;
            if (!_pumpRunning) _pumpRunning = startPump = true;
        }
        if (startPump) StartPump();
    }

    private async Task ActivateAsync()
    {
        try
        {
            var registered = await _catalog.Directory.Register(Address, _catalog.StoppingToken);
            if (registered.ActivationId != ActivationId)
            {
                // Another silo won the race for this grain: everything queued here goes to the winner.
                Log.LostActivationRace(GrainId, registered.Silo.ToString());
                End(forwardCalls: true, failure: null);
                return;
            }

            var grain = (Grain)GrainClass.Factory(ActivationServices, null);
            grain.GrainContext = this;
            Instance = grain;
            await grain.OnActivateAsync(_catalog.StoppingToken);
            List<WorkItem>? interleaved = null;
            lock (_lock)
            {
                _state = ActivationState.Valid;
                // Calls that may interleave waited only for activation: start them now, not behind the queue.
                for (var n = _mailbox.Count; n > 0; n--)
                {
                    var item = _mailbox.Dequeue();
                    if (MayInterleave(item)) (interleaved ??= []).Add(item);
                    else _mailbox.Enqueue(item);
                }
            }
            Log.Activated(GrainId);
            if (interleaved is not null)
            {
                foreach (var item in interleaved) StartInterleaved(item);
            }
        }
        catch (Exception ex)
        {
            Log.ActivationFailed(ex, GrainId);
            StopTimers();
            await UnregisterAsync();
            End(forwardCalls: false, failure: new InvalidOperationException($"Activation of {GrainId} failed: {ex.Message}", ex));
        }
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        lock (_lock)
        {
            // New calls arrived since the collector found the activation idle: it is not idle any more.
            if (reason.Code == DeactivationReasonCode.ActivationIdle && _mailbox.Count > 0) return;
            _state = ActivationState.Deactivating;
        }

        StopTimers();
        try
        {
            using var timeout = new CancellationTokenSource(_catalog.DeactivationTimeout, _catalog.Time);
            await Instance!.OnDeactivateAsync(reason, timeout.Token);
        }
        catch (Exception ex)
        {
            Log.DeactivationHookFailed(ex, GrainId);
        }

        await UnregisterAsync();
        Log.Deactivated(GrainId, reason.ToString());
        End(forwardCalls: true, failure: null);
    }

    private async Task UnregisterAsync()
    {
        try
        {
            await _catalog.Directory.Unregister(Address, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DirectoryUnregisterFailed(ex, GrainId);
        }
    }

    /// <summary>Marks the activation gone, removes it from the catalog, and re-routes or fails what it still held.</summary>
    private void End(bool forwardCalls, Exception? failure)
    {
        List<WorkItem> leftovers;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            leftovers = DrainMailbox();
        }
        _catalog.OnActivationEnded(this);
        _ended.TrySetResult();
        foreach (var item in leftovers)
        {
            if (forwardCalls && item is Message message) _catalog.Forward(message);
            else if (failure is not null) item.Reject(failure);
        }
    }

    private sealed class ActivateWorkItem : WorkItem
    {
        public override bool Interleave => false;
        public override bool CountsAsActivity => true;
        public override Task ExecuteAsync(ActivationData activation) => activation.ActivateAsync();
        public override void Reject(Exception reason) { }
        public override string ToString() => "OnActivateAsync";
    }

    private sealed class DeactivateWorkItem(DeactivationReason reason) : WorkItem
    {
        public override bool Interleave => false;
        public override bool CountsAsActivity => false;
        public override Task ExecuteAsync(ActivationData activation) => activation.DeactivateAsync(reason);
        public override void Reject(Exception reason) { }
        public override string ToString() => "OnDeactivateAsync";
    }
}
