namespace Game.Gateway.Tests.Fakes;

/// <summary>A clock that moves only when told (timers still use real time).</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override DateTimeOffset GetUtcNow() => Start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
