namespace Game.LoadTest;

internal sealed partial class LoadRunner
{
    /// <summary>Each input period is split into this many slots; slot k sends for bots k, k+Groups, … (spreads the sends).</summary>
    private const int Groups = 5;

    /// <summary>Inputs (approximately) not sent because the loop fell more than a whole input period behind.</summary>
    private long _inputsDropped;

    /// <summary>Starts the one thread that sends every bot's inputs (see <see cref="InputLoop"/>).</summary>
    /// <returns>A task that completes when the loop has stopped.</returns>
    private Task StartInputLoop(CancellationToken stop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                InputLoop(stop);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "loadtest-inputs",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// The one loop that sends every bot's inputs (relays, strokes; no timer per bot): every 1/<see cref="LoadRunOptions.SendRateHz"/> s
    /// each playing bot gets one <see cref="Bot.TrySendNextInput"/>, in <see cref="Groups"/> evenly spaced slots.
    /// It runs on its own thread so that its pace does not depend on the thread pool, which the receive loops keep busy.
    /// If it falls more than one period behind it drops the backlog rather than bursting.
    /// </summary>
    private void InputLoop(CancellationToken stop)
    {
        var periodTicks = (long)(_time.TimestampFrequency / (double)_options.SendRateHz);
        var slotTicks = periodTicks / Groups;
        var group = 0;
        var next = _time.GetTimestamp();
        var bots = _bots;
        while (!stop.IsCancellationRequested)
        {
            var now = _time.GetTimestamp();
            while (now >= next)
            {
                if (now - next > periodTicks)
                {
                    Interlocked.Add(ref _inputsDropped, (now - next) / slotTicks * (bots.Length / Groups));
                    next = now;
                }
                var clientTimeMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                for (var i = group; i < bots.Length; i += Groups)
                {
                    bots[i].TrySendNextInput(clientTimeMs);
                }
                group = (group + 1) % Groups;
                next += slotTicks;
                now = _time.GetTimestamp();
            }
            // Sleeps are in whole milliseconds: round up, so a sub-millisecond wait does not spin.
            var waitMs = (int)Math.Clamp(Math.Ceiling((next - now) * 1000.0 / _time.TimestampFrequency), 1, 1000);
            stop.WaitHandle.WaitOne(waitMs);
        }
    }
}
