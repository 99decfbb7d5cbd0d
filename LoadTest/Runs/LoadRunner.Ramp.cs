namespace Game.LoadTest;

internal sealed partial class LoadRunner
{
    private int _started;

    /// <summary>
    /// Starts bot i at i / <see cref="LoadRunOptions.RampPerSecond"/> seconds (room by room), then waits for every
    /// handshake to finish (each bounded by <see cref="LoadRunOptions.HandshakeTimeout"/>).
    /// </summary>
    /// <returns>Whether at least one bot was seated.</returns>
    private async Task<bool> RampUpAsync(CancellationToken cancellationToken)
    {
        _phase = LoadPhase.RampingUp;
        var handshakes = new List<Task<bool>>(_bots.Length);
        var rampStart = _time.GetTimestamp();
        var rate = _options.RampPerSecond;
        try
        {
            var next = 0;
            while (next < _bots.Length)
            {
                var elapsed = _time.GetElapsedTime(rampStart).TotalSeconds;
                var due = (int)Math.Min(_bots.Length, Math.Floor(elapsed * rate) + 1);
                for (; next < due; next++)
                {
                    handshakes.Add(_bots[next].ConnectAndJoinAsync(cancellationToken));
                    Interlocked.Increment(ref _started);
                }
                if (next < _bots.Length)
                {
                    var wait = TimeSpan.FromSeconds((next / rate) - elapsed);
                    await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, _time, cancellationToken)
                        .ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // Let every started handshake finish (they honour the same token and their own timeout).
            await ((Task)Task.WhenAll(handshakes)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return handshakes.Any(h => h.IsCompletedSuccessfully && h.Result);
    }
}
