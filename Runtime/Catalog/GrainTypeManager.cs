using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Game.Runtime.Catalog;

/// <summary>An assembly whose grain classes the silo hosts (added by <c>AddApplicationPart</c>).</summary>
internal sealed record GrainAssemblyPart(Assembly Assembly);

/// <summary>What the runtime knows of one grain class.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo(string grainType, Type classType)
    {
        GrainType = grainType;
        ClassType = classType;
        IsReentrant = classType.GetCustomAttribute<ReentrantAttribute>() is not null;
        Factory = ActivatorUtilities.CreateFactory(classType, Type.EmptyTypes);
    }

    /// <summary>The grain type name used in <see cref="GrainId.Type"/>.</summary>
    public string GrainType { get; }

    public Type ClassType { get; }

    public bool IsReentrant { get; }

    public ObjectFactory Factory { get; }
}

/// <summary>
/// Maps grain interfaces to grain classes and grain type names. Each grain interface has exactly one
/// implementation; the type name is the class name in lower case without a trailing "Grain".
/// </summary>
internal sealed class GrainTypeManager
{
    private readonly Dictionary<Type, GrainClassInfo> _byInterface = [];
    private readonly Dictionary<string, GrainClassInfo> _byType = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, GrainInterfaceInfo> _interfaces = new();

    public GrainTypeManager(IEnumerable<GrainAssemblyPart> parts)
    {
        foreach (var assembly in parts.Select(p => p.Assembly).Distinct())
        {
            foreach (var type in assembly.GetTypes())
            {
                if (!type.IsClass || type.IsAbstract || !typeof(Grain).IsAssignableFrom(type)) continue;
                Register(type);
            }
        }
    }

    private GrainTypeManager()
    {
    }

    /// <summary>Builds a manager over explicit grain classes (tests).</summary>
    public static GrainTypeManager ForClasses(IEnumerable<Type> grainClasses)
    {
        var manager = new GrainTypeManager();
        foreach (var type in grainClasses) manager.Register(type);
        return manager;
    }

    public static string TypeNameOf(Type classType)
    {
        var name = classType.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length) name = name[..^"Grain".Length];
        return name.ToLowerInvariant();
    }

    private void Register(Type classType)
    {
        var info = new GrainClassInfo(TypeNameOf(classType), classType);
        if (_byType.TryGetValue(info.GrainType, out var clash) && clash.ClassType != classType)
            throw new InvalidOperationException($"Grain classes {clash.ClassType} and {classType} both have grain type '{info.GrainType}'.");
        _byType[info.GrainType] = info;
        foreach (var iface in classType.GetInterfaces())
        {
            if (!IsGrainInterface(iface)) continue;
            if (_byInterface.TryGetValue(iface, out var other) && other.ClassType != classType)
                throw new InvalidOperationException($"Grain interface {iface} has two implementations: {other.ClassType} and {classType}.");
            _byInterface[iface] = info;
        }
    }

    private static bool IsGrainInterface(Type iface)
        => typeof(IGrain).IsAssignableFrom(iface) && iface != typeof(IGrain) && iface != typeof(IGrainWithStringKey) && iface != typeof(IAddressable);

    /// <exception cref="ArgumentException">No registered grain class implements <paramref name="grainInterface"/>.</exception>
    public GrainClassInfo GetClassForInterface(Type grainInterface)
        => _byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new ArgumentException($"No grain class implements {grainInterface}; add its assembly with AddApplicationPart.", nameof(grainInterface));

    /// <exception cref="ArgumentException">No grain class has type name <paramref name="grainType"/>.</exception>
    public GrainClassInfo GetClass(string grainType)
        => _byType.TryGetValue(grainType, out var info)
            ? info
            : throw new ArgumentException($"No grain class has grain type '{grainType}'.", nameof(grainType));

    public GrainInterfaceInfo GetInterface(Type grainInterface) => _interfaces.GetOrAdd(grainInterface, static t => new GrainInterfaceInfo(t));
}
