using System.Reflection;
using Game.Runtime.Catalog;

namespace Game.Runtime;

/// <summary>A reference to a grain: the proxy object behind every grain interface the factory returns. Stands for Orleans's <c>GrainReference</c>.</summary>
public class GrainReference : DispatchProxy, IAddressable
{
    private GrainInterfaceInfo? _interface;
    private IMessageRouter? _router;

    /// <summary>The referenced grain's identity.</summary>
    public GrainId GrainId { get; private set; }

    internal void Initialize(GrainId id, GrainInterfaceInfo grainInterface, IMessageRouter router)
    {
        GrainId = id;
        _interface = grainInterface;
        _router = router;
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return _interface!.Get(targetMethod).Call(_router!, GrainId, args ?? []);
    }

    /// <summary>References are equal when they reference the same grain.</summary>
    public override bool Equals(object? obj) => obj is GrainReference other && other.GrainId == GrainId;

    /// <inheritdoc />
    public override int GetHashCode() => GrainId.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"GrainReference:{GrainId}";
}

/// <summary>Identity helpers for grain references and grain instances.</summary>
public static class GrainReferenceExtensions
{
    /// <summary>The <see cref="Game.Runtime.GrainId"/> of a grain reference or grain instance. Stands for Orleans's <c>GetGrainId()</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="addressable"/> is neither.</exception>
    public static GrainId GetGrainId(this IAddressable addressable) => addressable switch
    {
        GrainReference r => r.GrainId,
        Grain g => g.GrainId,
        _ => throw new ArgumentException($"{addressable.GetType()} is neither a grain reference nor a grain.", nameof(addressable)),
    };
}
