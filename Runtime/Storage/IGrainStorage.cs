namespace Game.Runtime.Storage;

/// <summary>
/// Durable grain state (checkpoints), keyed by grain id, stored as JSON. Last writer wins.
/// Stands for Orleans's <c>IGrainStorage</c>.
/// </summary>
public interface IGrainStorage
{
    /// <summary>The stored state of <paramref name="grainId"/>, or default when none.</summary>
    /// <exception cref="System.Text.Json.JsonException">The stored JSON does not fit <typeparamref name="T"/>.</exception>
    Task<T?> ReadAsync<T>(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="state"/> for <paramref name="grainId"/>, replacing what was there.</summary>
    Task WriteAsync<T>(GrainId grainId, T state, CancellationToken cancellationToken);

    /// <summary>Removes the stored state of <paramref name="grainId"/>; no-op when none.</summary>
    Task ClearAsync(GrainId grainId, CancellationToken cancellationToken);
}
