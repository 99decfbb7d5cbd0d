using Game.Grains.Interfaces;
using Orleans;

namespace Game.Grains.Rooms;

/// <summary>
/// A seated player's input buffer in its room: the newest input wins, an attack press is kept until the tick takes it,
/// and inputs whose seq is not above the newest one are ignored. Owned by the room's activation and touched only in its
/// turns (no lock); it moves with the room in a live migration (<see cref="Memory"/>).
/// </summary>
public sealed class InputBuffer
{
    private InputSample _pending;
    private long _lastSeq;

    /// <summary>Buffers <paramref name="input"/> unless its seq is not above the newest one.</summary>
    public void Submit(in PlayerInput input)
    {
        if (input.Seq <= _lastSeq) return;
        _lastSeq = input.Seq;
        _pending = new InputSample(true, input.Seq, input.Vx, input.Vy, input.Attack || (_pending.HasInput && _pending.Attack));
    }

    /// <summary>Takes the newest input and clears the buffer (<see cref="InputSample.HasInput"/> false when none arrived).</summary>
    public InputSample Take()
    {
        var taken = _pending;
        _pending = default;
        return taken;
    }

    /// <summary>The player stops moving at the next tick (same seq, so its ack does not move).</summary>
    public void StopMoving() => _pending = new InputSample(true, _lastSeq, 0, 0, false);

    /// <summary>Forgets everything: a new connection or a new room numbers its inputs afresh.</summary>
    public void Reset()
    {
        _pending = default;
        _lastSeq = 0;
    }

    /// <summary>What a live migration carries: the pending input and the newest seq.</summary>
    public BufferedInput Memory
    {
        get => new(_pending, _lastSeq);
        set => (_pending, _lastSeq) = (value.Pending, value.LastSeq);
    }
}

/// <summary>The contents of an <see cref="InputBuffer"/>, carried by a room's live migration.</summary>
/// <param name="Pending">The input not yet taken by the room's tick.</param>
/// <param name="LastSeq">The newest input seq seen.</param>
[GenerateSerializer, Alias("game.BufferedInput"), Immutable]
public readonly record struct BufferedInput(InputSample Pending, long LastSeq);
