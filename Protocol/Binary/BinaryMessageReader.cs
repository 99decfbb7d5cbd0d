using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Game.Grains.Interfaces;

namespace Game.Protocol;

/// <summary>
/// Reads and validates messages of the binary encoding (docs/protocol-binary.md): <c>input</c> for the gateway,
/// <c>roster</c> for clients and tests (<c>map</c>: <see cref="BinaryMapReader"/>).
/// </summary>
/// <remarks>
/// Strict: a frame must be exactly one message, with minimal varints and reserved bits clear; anything else is
/// <see cref="ErrorCode.BadRequest"/>, as is every value the JSON parser would reject. Reading an <c>input</c>
/// allocates nothing.
/// </remarks>
public static class BinaryMessageReader
{
    /// <summary>Reads a binary <c>input</c>: tag <c>0x81</c>, seq (varint), time (f64), vx, vy (f32), flags (u8).</summary>
    /// <param name="frame">The binary frame's bytes.</param>
    /// <param name="input">The validated input, when the result is true.</param>
    /// <param name="error">Why the frame was rejected (always <see cref="ErrorCode.BadRequest"/>), when the result is false.</param>
    /// <returns>True when the frame is a valid input.</returns>
    public static bool TryReadInput(ReadOnlySpan<byte> frame, out PlayerInput input, out ProtocolError error)
    {
        input = default;
        if (!TryCheckTag(frame, BinaryFormat.InputTag, out error)) return false;
        var n = 1;
        if (!Varint.TryRead(frame, ref n, out var seq) || seq > long.MaxValue) return Fail(BinaryMessages.InputSeq, out error);
        if (frame.Length - n != BinaryFormat.MinInputSize - 2) return Fail(BinaryMessages.InputLength, out error);

        var time = BinaryPrimitives.ReadDoubleLittleEndian(frame[n..]);
        if (!double.IsFinite(time)) return Fail(BinaryMessages.InputTime, out error);
        var vx = BinaryPrimitives.ReadSingleLittleEndian(frame[(n + 8)..]);
        var vy = BinaryPrimitives.ReadSingleLittleEndian(frame[(n + 12)..]);
        if (!IsUnit(vx) || !IsUnit(vy)) return Fail(BinaryMessages.InputDirection, out error);
        var flags = frame[n + 16];
        if ((flags & ~BinaryFormat.AttackFlag) != 0) return Fail(BinaryMessages.InputFlags, out error);

        input = new PlayerInput((long)seq, time, vx, vy, (flags & BinaryFormat.AttackFlag) != 0);
        error = default;
        return true;
    }

    /// <summary>Reads a <c>roster</c> into strings (a client's convenience; allocates the ids). See <see cref="BinaryRosterReader"/> to read without allocating.</summary>
    /// <param name="frame">The binary frame's bytes.</param>
    /// <param name="version">The roster's version.</param>
    /// <param name="ids">The ids, in map-entry order.</param>
    /// <param name="error">Why the frame was rejected, when the result is false.</param>
    /// <returns>True when the frame is a valid roster.</returns>
    public static bool TryReadRoster(ReadOnlySpan<byte> frame, out byte version, out ImmutableArray<string> ids, out ProtocolError error)
    {
        version = 0;
        ids = [];
        if (!BinaryRosterReader.TryOpen(frame, out var reader, out error)) return false;
        var builder = ImmutableArray.CreateBuilder<string>(reader.Count);
        while (reader.TryReadId(out var id)) builder.Add(Encoding.UTF8.GetString(id));
        version = reader.Version;
        ids = builder.MoveToImmutable();
        return true;
    }

    /// <summary>Checks the frame is not empty and starts with <paramref name="expected"/>.</summary>
    internal static bool TryCheckTag(ReadOnlySpan<byte> frame, byte expected, out ProtocolError error)
    {
        if (frame.IsEmpty) return Fail(BinaryMessages.Empty, out error);
        if (frame[0] == expected)
        {
            error = default;
            return true;
        }
        return Fail(frame[0] switch
        {
            BinaryFormat.InputTag or BinaryFormat.MapTag or BinaryFormat.RosterTag => BinaryMessages.WrongTag,
            _ => BinaryMessages.UnknownTag,
        }, out error);
    }

    internal static bool Fail(string message, out ProtocolError error)
    {
        error = new ProtocolError(ErrorCode.BadRequest, message);
        return false;
    }

    private static bool IsUnit(float value) => float.IsFinite(value) && value is >= -1f and <= 1f;
}
