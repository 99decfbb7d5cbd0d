using Microsoft.Extensions.DependencyInjection;

namespace Game.Grains.Kinds;

/// <summary>The room kinds a silo hosts, by name (<see cref="IRoomKind.Name"/>): every <see cref="IRoomKind"/> registered in its services.</summary>
public sealed class RoomKinds
{
    private readonly Dictionary<string, IRoomKind> _kinds;

    /// <summary>Collects the registered kinds.</summary>
    /// <exception cref="ArgumentException">Two kinds share a name.</exception>
    public RoomKinds(IEnumerable<IRoomKind> kinds) => _kinds = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The kinds' names, sorted.</summary>
    public IEnumerable<string> Names => _kinds.Keys.Order(StringComparer.Ordinal);

    /// <summary>The kind named <paramref name="name"/>, if there is one.</summary>
    public bool TryGet(string name, out IRoomKind kind) => _kinds.TryGetValue(name, out kind!);
}

/// <summary>Registers room kinds.</summary>
public static class RoomKindServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="TKind"/> as a room kind (a singleton <see cref="IRoomKind"/>).</summary>
    public static IServiceCollection AddRoomKind<TKind>(this IServiceCollection services) where TKind : class, IRoomKind
        => services.AddSingleton<IRoomKind, TKind>();
}
