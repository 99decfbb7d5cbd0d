using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Game.Runtime.Catalog;

namespace Game.Runtime.Networking;

/// <summary>
/// What crosses the wire for one grain method, computed once: the interface and method names as UTF-8, the parameter
/// count (which tells overloads apart), and how arguments and the result are written — each argument by its
/// parameter's declared type, the result by the method's result type. <see cref="CancellationToken"/> parameters are
/// not sent; the receiver passes <see cref="CancellationToken.None"/>.
/// </summary>
internal sealed class MethodWireInfo
{
    private static readonly ConcurrentDictionary<GrainMethod, MethodWireInfo> Cache = new();
    private static readonly object NoToken = CancellationToken.None;

    private readonly Type[] _parameterTypes;
    private readonly bool[] _isToken;

    private MethodWireInfo(GrainMethod method)
    {
        var parameters = method.Method.GetParameters();
        _parameterTypes = [.. parameters.Select(p => p.ParameterType)];
        _isToken = [.. parameters.Select(p => p.ParameterType == typeof(CancellationToken))];
        InterfaceName = Encoding.UTF8.GetBytes(InterfaceNameOf(method));
        MethodName = Encoding.UTF8.GetBytes(method.Name);
        ResultType = method.ResultType;
    }

    public static MethodWireInfo For(GrainMethod method)
        => Cache.TryGetValue(method, out var info) ? info : Cache.GetOrAdd(method, static m => new MethodWireInfo(m));

    /// <summary>The name a method's interface is sent under: the declaring interface's full name.</summary>
    public static string InterfaceNameOf(GrainMethod method) => method.Interface.FullName ?? method.Interface.Name;

    public byte[] InterfaceName { get; }

    public byte[] MethodName { get; }

    /// <summary>Declared parameters, tokens included.</summary>
    public int ParameterCount => _parameterTypes.Length;

    public Type? ResultType { get; }

    /// <summary>Writes the arguments as a JSON array, tokens left out.</summary>
    /// <exception cref="NotSupportedException">An argument's type cannot be serialized.</exception>
    public void WriteArguments(Utf8JsonWriter json, object?[] args)
    {
        json.WriteStartArray();
        for (var i = 0; i < _parameterTypes.Length; i++)
        {
            if (_isToken[i]) continue;
            JsonSerializer.Serialize(json, i < args.Length ? args[i] : null, _parameterTypes[i], NetworkingJson.Options);
        }
        json.WriteEndArray();
        json.Flush();
    }

    /// <summary>Reads what <see cref="WriteArguments"/> wrote; token parameters get <see cref="CancellationToken.None"/>.</summary>
    /// <exception cref="JsonException">The JSON is not an array of the method's arguments.</exception>
    public object?[] ReadArguments(ReadOnlySpan<byte> utf8)
    {
        var args = new object?[_parameterTypes.Length];
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) throw new JsonException("Call arguments are not a JSON array.");
        for (var i = 0; i < args.Length; i++)
        {
            if (_isToken[i])
            {
                args[i] = NoToken;
                continue;
            }
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray) throw new JsonException($"Call has fewer arguments than the method's {args.Length} parameters.");
            args[i] = JsonSerializer.Deserialize(ref reader, _parameterTypes[i], NetworkingJson.Options);
        }
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray) throw new JsonException("Call has more arguments than the method has parameters.");
        return args;
    }

    /// <summary>Writes a result by the method's result type; nothing for a method without one.</summary>
    public void WriteResult(Utf8JsonWriter json, object? result)
    {
        if (ResultType is null) return;
        JsonSerializer.Serialize(json, result, ResultType, NetworkingJson.Options);
        json.Flush();
    }

    /// <summary>Reads what <see cref="WriteResult"/> wrote; null for a method without a result.</summary>
    public object? ReadResult(ReadOnlySpan<byte> utf8)
        => ResultType is null || utf8.IsEmpty ? null : JsonSerializer.Deserialize(utf8, ResultType, NetworkingJson.Options);
}
