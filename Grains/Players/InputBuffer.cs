using System.Collections.Concurrent;
using Game.Grains.Interfaces;

namespace Game.Grains.Players;

/// <summary>
/// A player's input buffer (newest input wins; an attack press is kept until taken; stale seqs are ignored). Owned by
/// the player's activation; thread-safe because the room's tick takes from it directly when both live in this silo.
/// </summary>
public sealed class InputBuffer
{
    private readonly Lock _lock = new();
    private InputSample _pending;
    private long _lastSeq;

    /// <summary>Buffers <paramref name="input"/> unless its seq is not above the newest one.</summary>
    public void Submit(in PlayerInput input)
    {
        lock (_lock)
        {
            if (input.Seq <= _lastSeq) return;
            _lastSeq = input.Seq;
            _pending = new InputSample(true, input.Seq, input.Vx, input.Vy, input.Attack || (_pending.HasInput && _pending.Attack));
        }
    }

    /// <summary>Takes the newest input and clears the buffer (<see cref="InputSample.HasInput"/> false when none arrived).</summary>
    public InputSample Take()
    {
        lock (_lock)
        {
            var taken = _pending;
            _pending = default;
            return taken;
        }
    }

    /// <summary>The player stops moving at the next tick (same seq, so its ack does not move).</summary>
    public void StopMoving()
    {
        lock (_lock) _pending = new InputSample(true, _lastSeq, 0, 0, false);
    }

    /// <summary>Forgets everything: a new connection or a new room numbers its inputs afresh.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _pending = default;
            _lastSeq = 0;
        }
    }
}

/// <summary>
/// The input buffers of the player activations in this silo, by player id. A room's tick takes its players' inputs
/// from here when they live in the same silo (players are placed with their room), with no message at all; for a
/// player elsewhere it calls <see cref="IPlayerGrain.TakeInput"/>.
/// </summary>
public sealed class LocalInputBuffers
{
    private readonly ConcurrentDictionary<string, InputBuffer> _buffers = new(StringComparer.Ordinal);

    /// <summary>Creates the buffer of the activation of <paramref name="playerId"/> that starts in this silo.</summary>
    public InputBuffer Register(string playerId)
    {
        var buffer = new InputBuffer();
        _buffers[playerId] = buffer;
        return buffer;
    }

    /// <summary>Removes <paramref name="buffer"/> when its activation ends (a newer one registered since is kept).</summary>
    public void Unregister(string playerId, InputBuffer buffer) => _buffers.TryRemove(new KeyValuePair<string, InputBuffer>(playerId, buffer));

    /// <summary>The buffer of <paramref name="playerId"/> if its activation is in this silo.</summary>
    public bool TryGet(string playerId, out InputBuffer buffer) => _buffers.TryGetValue(playerId, out buffer!);
}
