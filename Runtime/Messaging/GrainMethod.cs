using System.Linq.Expressions;
using System.Reflection;

namespace Game.Runtime.Catalog;

/// <summary>How a grain method returns.</summary>
internal enum ReturnKind { Task, TaskOfT, ValueTask, ValueTaskOfT }

/// <summary>
/// One method of a grain interface, compiled once: how the caller side turns a call into a message and a
/// typed task, and how the activation side invokes the implementation and reads the result.
/// </summary>
internal sealed class GrainMethod
{
    private static readonly MethodInfo CallGeneric = typeof(GrainMethod).GetMethod(nameof(CallTyped), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ResultGeneric = typeof(GrainMethod).GetMethod(nameof(ResultOf), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly Func<GrainMethod, IMessageRouter, GrainId, object?[], object> _call;

    public GrainMethod(Type grainInterface, MethodInfo method)
    {
        Interface = grainInterface;
        Method = method;
        Name = method.Name;
        IsOneWay = method.GetCustomAttribute<OneWayAttribute>() is not null;
        AlwaysInterleave = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;

        var rt = method.ReturnType;
        if (rt == typeof(Task)) { Kind = ReturnKind.Task; ResultType = null; }
        else if (rt == typeof(ValueTask)) { Kind = ReturnKind.ValueTask; ResultType = null; }
        else if (rt.IsGenericType && rt.GetGenericTypeDefinition() == typeof(Task<>)) { Kind = ReturnKind.TaskOfT; ResultType = rt.GetGenericArguments()[0]; }
        else if (rt.IsGenericType && rt.GetGenericTypeDefinition() == typeof(ValueTask<>)) { Kind = ReturnKind.ValueTaskOfT; ResultType = rt.GetGenericArguments()[0]; }
        else throw new InvalidOperationException($"Grain method {grainInterface.Name}.{method.Name} must return Task, Task<T>, ValueTask or ValueTask<T>, not {rt}.");

        if (IsOneWay && ResultType is not null)
            throw new InvalidOperationException($"One-way grain method {grainInterface.Name}.{method.Name} cannot return a value.");

        Invoke = CompileInvoker(grainInterface, method, Kind);
        GetResult = ResultType is null
            ? static _ => null
            : ResultGeneric.MakeGenericMethod(ResultType).CreateDelegate<Func<Task, object?>>();
        _call = CallGeneric.MakeGenericMethod(ResultType ?? typeof(object)).CreateDelegate<Func<GrainMethod, IMessageRouter, GrainId, object?[], object>>();
    }

    public Type Interface { get; }
    public MethodInfo Method { get; }

    public string Name { get; }
    public bool IsOneWay { get; }
    public bool AlwaysInterleave { get; }
    public ReturnKind Kind { get; }
    public Type? ResultType { get; }

    /// <summary>Calls the implementation on a grain instance; ValueTasks come back as Tasks.</summary>
    public Func<object, object?[], Task> Invoke { get; }

    /// <summary>Reads the result of a completed task returned by <see cref="Invoke"/> (null for no result).</summary>
    public Func<Task, object?> GetResult { get; }

    /// <summary>Sends a call and returns what the interface method returns (a Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;).</summary>
    public object Call(IMessageRouter router, GrainId target, object?[] args) => _call(this, router, target, args);

    public override string ToString() => $"{Interface.Name}.{Name}";

    private static object CallTyped<T>(GrainMethod method, IMessageRouter router, GrainId target, object?[] args)
    {
        if (method.IsOneWay)
        {
            router.Send(new Message(target, method, args, response: null));
            return method.Kind == ReturnKind.ValueTask ? default(ValueTask) : Task.CompletedTask;
        }

        var sink = new ResponseCompletionSource<T>();
        router.Send(new Message(target, method, args, sink));
        return method.Kind switch
        {
            ReturnKind.Task or ReturnKind.TaskOfT => sink.Task,
            ReturnKind.ValueTask => new ValueTask(sink.Task),
            _ => new ValueTask<T>(sink.Task),
        };
    }

    private static object? ResultOf<T>(Task task) => ((Task<T>)task).Result;

    private static Func<object, object?[], Task> CompileInvoker(Type grainInterface, MethodInfo method, ReturnKind kind)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameters = method.GetParameters()
            .Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        Expression call = Expression.Call(Expression.Convert(grain, grainInterface), method, parameters);
        if (kind is ReturnKind.ValueTask or ReturnKind.ValueTaskOfT)
            call = Expression.Call(call, method.ReturnType.GetMethod(nameof(ValueTask.AsTask))!);
        return Expression.Lambda<Func<object, object?[], Task>>(Expression.Convert(call, typeof(Task)), grain, args).Compile();
    }
}

/// <summary>The methods of one grain interface (including inherited ones), by <see cref="MethodInfo"/>.</summary>
internal sealed class GrainInterfaceInfo
{
    private readonly Dictionary<MethodInfo, GrainMethod> _byMethod = [];

    public GrainInterfaceInfo(Type grainInterface)
    {
        Interface = grainInterface;
        Methods = new[] { grainInterface }.Concat(grainInterface.GetInterfaces())
            .SelectMany(i => i.GetMethods())
            .Where(m => !m.IsStatic)
            .Select(m => new GrainMethod(m.DeclaringType!, m))
            .ToArray();
        foreach (var gm in Methods) _byMethod[gm.Method] = gm;
    }

    public Type Interface { get; }

    public IReadOnlyList<GrainMethod> Methods { get; }

    public GrainMethod Get(MethodInfo method)
        => _byMethod.TryGetValue(method, out var gm) ? gm : throw new InvalidOperationException($"{method} is not a method of grain interface {Interface}.");
}
