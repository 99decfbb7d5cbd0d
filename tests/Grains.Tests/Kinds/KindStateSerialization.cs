using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Game.Grains.Tests.Kinds;

/// <summary>Round-trips a captured state through Orleans's serializer, as persistence and live migration do.</summary>
internal static class KindStateSerialization
{
    private static readonly Serializer Serializer =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    /// <summary>The state after serializing it as an <see cref="object"/> and back.</summary>
    public static object RoundTrip(object state) => Serializer.Deserialize<object>(Serializer.SerializeToArray<object>(state))!;
}
