using System.Collections.Concurrent;
using System.Text.Json;

namespace Game.Runtime.Storage;

/// <summary>
/// Grain storage of a single-process cluster: JSON strings in a dictionary, lost with the process. Storing JSON
/// (not the objects) keeps the semantics of the durable stores: what is read back is a copy.
/// Stands for Orleans's <c>MemoryGrainStorage</c>.
/// </summary>
internal sealed class InMemoryGrainStorage : IGrainStorage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<GrainId, string> _states = new();

    public Task<T?> ReadAsync<T>(GrainId grainId, CancellationToken cancellationToken)
        => Task.FromResult(_states.TryGetValue(grainId, out var json) ? JsonSerializer.Deserialize<T>(json, Json) : default);

    public Task WriteAsync<T>(GrainId grainId, T state, CancellationToken cancellationToken)
    {
        _states[grainId] = JsonSerializer.Serialize(state, Json);
        return Task.CompletedTask;
    }

    public Task ClearAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        _states.TryRemove(grainId, out _);
        return Task.CompletedTask;
    }
}
