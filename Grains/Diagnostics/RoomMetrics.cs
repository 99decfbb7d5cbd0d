using System.Diagnostics.Metrics;
using Game.Grains.Rooms;

namespace Game.Grains.Diagnostics;

/// <summary>
/// The silo's room metrics (meter <see cref="MeterName"/>): the tick duration and lateness histograms, recorded once per tick from
/// <see cref="LocalRooms.RecordTick"/>, and the rooms active on this silo by kind, observed from <see cref="LocalRooms"/>
/// when the exporter collects (README.md, "Operating it").
/// </summary>
public static class RoomMetrics
{
    /// <summary>The meter's name, for <c>AddMeter</c>.</summary>
    public const string MeterName = "Game.Rooms";

    /// <summary>Name of the gauge of rooms active on this silo, tag <c>kind</c>.</summary>
    public const string RoomsActive = "game.rooms.active";

    /// <summary>Name of the histogram of room tick durations, ms.</summary>
    public const string TickDuration = "game.room.tick.duration";

    /// <summary>Name of the histogram of how late room ticks started after they were due on their schedules, ms.</summary>
    public const string TickLateness = "game.room.tick.lateness";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Ticks = Meter.CreateHistogram<double>(TickDuration, "ms",
        "How long one room tick took (timer callback start to end: inputs, rules, publishing the snapshot).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 250] });

    private static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>(TickLateness, "ms",
        "How late one room tick started after it was due on the room's fixed schedule (its timer's lateness and the wait for its turn; 0 on time). Late ticks widen the pause players see between snapshots.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000] });

    /// <summary>Records one room tick that took <paramref name="elapsed"/> and started <paramref name="late"/> (≥ 0) after it was due.</summary>
    public static void RecordTick(TimeSpan elapsed, TimeSpan late)
    {
        Ticks.Record(elapsed.TotalMilliseconds);
        Lateness.Record(late.TotalMilliseconds);
    }

    /// <summary>
    /// Adds the gauge <see cref="RoomsActive"/> over <paramref name="rooms"/> to a meter of <paramref name="meters"/>
    /// (one per service provider, so several silos in one process each report their own rooms).
    /// </summary>
    /// <param name="meters">The silo's meter factory; it disposes the meter with the silo.</param>
    /// <param name="rooms">The rooms of this silo.</param>
    /// <returns>The meter holding the gauge.</returns>
    public static Meter ObserveRooms(IMeterFactory meters, LocalRooms rooms)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(rooms);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(RoomsActive, () => Observe(rooms), "{room}", "Rooms active on this silo, by kind (none: not yet created or just emptied).");
        return meter;
    }

    private static IEnumerable<Measurement<int>> Observe(LocalRooms rooms)
    {
        foreach (var (kind, count) in rooms.CountByKind())
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>("kind", kind));
    }
}
