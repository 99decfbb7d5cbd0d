using System.Net;
using Game.Grains.Placement;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;

namespace Game.Grains.Tests.Placement;

/// <summary>
/// <see cref="RoomCountView"/>, the estimate behind <see cref="LeastRoomsPlacementDirector"/>: a report that may not count
/// a room placed just before it was asked for must not make the director forget that room.
/// </summary>
public sealed class RoomCountViewTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);
    private static readonly SiloAddress A = Silo(1), B = Silo(2), C = Silo(3);

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    [Fact]
    public void A_room_placed_just_before_a_report_that_misses_it_stays_counted()
    {
        var time = new FakeTimeProvider();
        var view = new RoomCountView(time, Grace);
        var first = view.Place([A, B]);
        var askedAt = time.GetTimestamp();
        view.BeginRefresh([A, B], askedAt);
        time.Advance(TimeSpan.FromMilliseconds(20));
        view.Report(first, rooms: 0, askedAt); // the room has not activated yet

        Assert.Equal(1, view.RoomsOn(first));
        var other = first.Equals(A) ? B : A;
        Assert.Equal(other, view.Place([A, B]));
    }

    [Fact]
    public void A_report_asked_for_past_the_grace_replaces_the_estimate()
    {
        var time = new FakeTimeProvider();
        var view = new RoomCountView(time, Grace);
        var placed = view.Place([A, B]);
        time.Advance(TimeSpan.FromSeconds(2));
        var askedAt = time.GetTimestamp();
        view.BeginRefresh([A, B], askedAt);
        view.Report(placed, rooms: 0, askedAt); // that room has gone again

        Assert.Equal(0, view.RoomsOn(placed));
    }

    [Fact]
    public void A_report_adds_the_recent_placements_on_that_silo_only()
    {
        var time = new FakeTimeProvider();
        var view = new RoomCountView(time, Grace);
        for (var i = 0; i < 4; i++) view.Place([A, B]); // two on each
        var askedAt = time.GetTimestamp();
        view.BeginRefresh([A, B], askedAt);
        view.Report(A, rooms: 5, askedAt);

        Assert.Equal(7, view.RoomsOn(A));
        Assert.Equal(2, view.RoomsOn(B));
    }

    [Fact]
    public void A_burst_between_stale_reports_spreads_evenly()
    {
        var time = new FakeTimeProvider();
        var view = new RoomCountView(time, Grace);
        SiloAddress[] silos = [A, B, C];
        var placed = new Dictionary<SiloAddress, int>();
        for (var i = 0; i < 30; i++)
        {
            var silo = view.Place(silos);
            placed[silo] = placed.GetValueOrDefault(silo) + 1;
            time.Advance(TimeSpan.FromMilliseconds(10));
            if (i % 5 != 4) continue;
            var askedAt = time.GetTimestamp(); // every 50 ms a refresh whose figures count none of the burst
            view.BeginRefresh(silos, askedAt);
            foreach (var s in silos) view.Report(s, rooms: 0, askedAt);
        }

        Assert.All(silos, s => Assert.Equal(10, placed.GetValueOrDefault(s)));
    }

    [Fact]
    public void A_silo_that_left_is_forgotten_and_one_without_a_figure_counts_as_empty()
    {
        var time = new FakeTimeProvider();
        var view = new RoomCountView(time, Grace);
        var askedAt = time.GetTimestamp();
        view.BeginRefresh([A, B], askedAt);
        view.Report(A, rooms: 3, askedAt);
        view.Report(B, rooms: 4, askedAt);

        view.BeginRefresh([B, C], time.GetTimestamp());
        Assert.Equal(0, view.RoomsOn(A));
        Assert.Equal(C, view.Place([B, C]));
    }
}
