using System.Net;
using Game.Grains.Placement;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Game.Grains.Tests.Placement;

/// <summary>
/// <see cref="LeastRoomsPlacementDirector"/> where no active silo can take a room: at the last silo's stop Orleans asks
/// where to move each room it ends, and the answer must be "nowhere" (this silo), not an error per room; while the silo
/// is active, the same situation stays Orleans's error.
/// </summary>
public sealed class LeastRoomsPlacementDirectorTests
{
    private static readonly SiloAddress Local = Silo(1), Other = Silo(2);

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + n), n);

    private static PlacementTarget Room() => new(GrainId.Create("room", "r1"), requestContextData: [], interfaceType: default, interfaceVersion: 0);

    // The grain factory is only used to refresh room counts across several silos, which these cases never reach.
    private static LeastRoomsPlacementDirector Director() => new(grains: null!, new FakeTimeProvider());

    [Theory]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    public async Task A_stopping_silo_with_no_compatible_silo_keeps_the_room_instead_of_failing(SiloStatus status)
    {
        var context = new Context(status, compatible: null);

        Assert.Equal(Local, await Director().OnAddActivation(LeastRoomsPlacement.Singleton, Room(), context));
    }

    [Fact]
    public async Task An_active_silo_with_no_compatible_silo_fails_as_Orleans_does()
    {
        var context = new Context(SiloStatus.Active, compatible: null);

        await Assert.ThrowsAsync<OrleansException>(() => Director().OnAddActivation(LeastRoomsPlacement.Singleton, Room(), context));
    }

    [Fact]
    public async Task A_stopping_silo_moves_a_room_to_the_silo_that_can_take_it()
    {
        var context = new Context(SiloStatus.ShuttingDown, compatible: [Other]);

        Assert.Equal(Other, await Director().OnAddActivation(LeastRoomsPlacement.Singleton, Room(), context));
    }

    /// <summary>A placement context whose compatible silos are <c>compatible</c>, or none (then it throws as Orleans's does).</summary>
    private sealed class Context(SiloStatus status, SiloAddress[]? compatible) : IPlacementContext
    {
        public SiloAddress LocalSilo => Local;
        public SiloStatus LocalSiloStatus => status;

        public SiloAddress[] GetCompatibleSilos(PlacementTarget target)
            => compatible ?? throw new OrleansException($"No active nodes are compatible with grain {target.GrainIdentity.Type}.");

        public IReadOnlyDictionary<ushort, SiloAddress[]> GetCompatibleSilosWithVersions(PlacementTarget target)
            => new Dictionary<ushort, SiloAddress[]> { [0] = GetCompatibleSilos(target) };
    }
}
