namespace Game.LoadTest;

internal sealed partial class LoadRunner
{
    /// <summary>Each input period is split into this many slots; slot k sends for bots k, k+Groups, … (spreads the sends).</summary>
    private const int Groups = 5;

    /// <summary>Slots dropped because the loop fell more than a whole input period behind.</summary>
    private long _inputSlotsDropped;

    /// <summary>
    /// The one loop that sends every bot's inputs (no timer per bot): every 1/<see cref="LoadRunOptions.InputRateHz"/> s
    /// each playing bot gets one <see cref="Bot.TrySendNextInput"/>, in <see cref="Groups"/> evenly spaced slots.
    /// If the loop falls more than one period behind it drops the backlog rather than bursting.
    /// </summary>
    private async Task InputLoopAsync(CancellationToken stop)
    {
        var periodTicks = (long)(_time.TimestampFrequency / (double)_options.InputRateHz);
        var slotTicks = periodTicks / Groups;
        var group = 0;
        var next = _time.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var now = _time.GetTimestamp();
            while (now >= next)
            {
                if (now - next > periodTicks)
                {
                    Interlocked.Add(ref _inputSlotsDropped, (now - next) / slotTicks);
                    next = now;
                }
                var clientTimeMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var bots = _bots;
                for (var i = group; i < bots.Length; i += Groups)
                {
                    bots[i].TrySendNextInput(clientTimeMs);
                }
                group = (group + 1) % Groups;
                next += slotTicks;
                now = _time.GetTimestamp();
            }
            try
            {
                // Timers tick in whole milliseconds: round up, or a sub-millisecond wait would complete at once and spin.
                var waitMs = Math.Max(1, Math.Ceiling((next - now) * 1000.0 / _time.TimestampFrequency));
                await Task.Delay(TimeSpan.FromMilliseconds(waitMs), _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
