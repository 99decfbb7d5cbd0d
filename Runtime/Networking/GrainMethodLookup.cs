using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Game.Runtime.Catalog;

namespace Game.Runtime.Networking;

/// <summary>
/// Finds the <see cref="GrainMethod"/> a Request names — grain type, interface full name, method name and parameter
/// count — among the grain interfaces of the grain type's class in this silo's <see cref="GrainTypeManager"/>.
/// Tables are built once per grain type; lookups decode names into a stack buffer and allocate nothing.
/// </summary>
internal sealed class GrainMethodLookup(GrainTypeManager types)
{
    private const int StackChars = 512;

    private readonly ConcurrentDictionary<string, MethodTable> _byGrainType = new(StringComparer.Ordinal);

    /// <summary>The method, and the grain type as a shared string (for the <see cref="GrainId"/>).</summary>
    /// <exception cref="ArgumentException">No grain class has that grain type.</exception>
    /// <exception cref="InvalidOperationException">The grain's interfaces have no such method.</exception>
    public (string GrainType, GrainMethod Method) Find(ReadOnlySpan<byte> grainType, ReadOnlySpan<byte> grainInterface, ReadOnlySpan<byte> method, int parameterCount)
    {
        var (type, table) = TableFor(grainType);
        var maxChars = grainInterface.Length + method.Length + 16;
        char[]? rented = null;
        var chars = maxChars <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(maxChars));
        try
        {
            var n = Encoding.UTF8.GetChars(grainInterface, chars);
            chars[n++] = ':';
            n += Encoding.UTF8.GetChars(method, chars[n..]);
            chars[n++] = '/';
            parameterCount.TryFormat(chars[n..], out var digits, default, CultureInfo.InvariantCulture);
            n += digits;
            if (table.Lookup.TryGetValue(chars[..n], out var found)) return (type, found);
            throw new InvalidOperationException($"Grain type '{type}' has no method {chars[..n].ToString()} (interface:method/parameter count); caller and silo run different grain interfaces.");
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    private (string, MethodTable) TableFor(ReadOnlySpan<byte> grainTypeUtf8)
    {
        Span<char> chars = stackalloc char[Math.Min(grainTypeUtf8.Length, StackChars)];
        if (grainTypeUtf8.Length <= StackChars)
        {
            var n = Encoding.UTF8.GetChars(grainTypeUtf8, chars);
            if (_byGrainType.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out var known, out var table)) return (known, table);
        }
        var grainType = Encoding.UTF8.GetString(grainTypeUtf8);
        return (grainType, _byGrainType.GetOrAdd(grainType, static (t, m) => new MethodTable(m, t), types));
    }

    /// <summary>Key of a method in a table: <c>interface full name:method name/parameter count</c>.</summary>
    public static string KeyOf(GrainMethod method)
        => $"{MethodWireInfo.InterfaceNameOf(method)}:{method.Name}/{method.Method.GetParameters().Length.ToString(CultureInfo.InvariantCulture)}";

    private sealed class MethodTable
    {
        public MethodTable(GrainTypeManager types, string grainType)
        {
            var grainClass = types.GetClass(grainType).ClassType;
            var methods = new Dictionary<string, GrainMethod>(StringComparer.Ordinal);
            foreach (var iface in grainClass.GetInterfaces())
            {
                if (!typeof(IGrain).IsAssignableFrom(iface) || iface == typeof(IGrain) || iface == typeof(IGrainWithStringKey)) continue;
                foreach (var method in types.GetInterface(iface).Methods) methods.TryAdd(KeyOf(method), method);
            }
            Lookup = methods.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public Dictionary<string, GrainMethod>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }
    }
}
