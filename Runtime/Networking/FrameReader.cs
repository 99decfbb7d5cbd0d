using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Game.Runtime.Networking;

/// <summary>Reads the fields <see cref="FrameBuffer"/> writes, in the same order. Throws <see cref="InvalidDataException"/> on a short or malformed payload.</summary>
internal ref struct FrameReader(ReadOnlySpan<byte> payload)
{
    private readonly ReadOnlySpan<byte> _payload = payload;
    private int _position;

    /// <summary>What is left after the fields read so far (e.g. a trailing JSON document).</summary>
    public readonly ReadOnlySpan<byte> Remaining => _payload[_position..];

    public byte ReadByte()
    {
        Need(1);
        return _payload[_position++];
    }

    public long ReadInt64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadInt64LittleEndian(_payload[_position..]);
        _position += 8;
        return value;
    }

    public Guid ReadGuid()
    {
        Need(16);
        var value = new Guid(_payload.Slice(_position, 16));
        _position += 16;
        return value;
    }

    public uint ReadVarUInt()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte();
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("Malformed frame: a variable-length integer is too long.");
    }

    /// <summary>A string's UTF-8 bytes, without decoding.</summary>
    public ReadOnlySpan<byte> ReadUtf8()
    {
        var length = ReadVarUInt();
        if (length > int.MaxValue) throw new InvalidDataException("Malformed frame: string length out of range.");
        Need((int)length);
        var span = _payload.Slice(_position, (int)length);
        _position += (int)length;
        return span;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadUtf8());

    private readonly void Need(int count)
    {
        if (_payload.Length - _position < count) throw new InvalidDataException("Malformed frame: payload shorter than its fields.");
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>: false (buffer untouched) when it holds less than a frame.
    /// </summary>
    /// <exception cref="InvalidDataException">The length is negative or above <paramref name="maxFrameBytes"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out FrameKind kind, out ReadOnlySequence<byte> payload)
    {
        kind = default;
        payload = default;
        if (buffer.Length < FrameBuffer.HeaderSize) return false;
        Span<byte> header = stackalloc byte[FrameBuffer.HeaderSize];
        buffer.Slice(0, FrameBuffer.HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 0 || length > maxFrameBytes)
            throw new InvalidDataException($"Frame of {length} bytes is over the limit of {maxFrameBytes}.");
        if (buffer.Length - FrameBuffer.HeaderSize < length) return false;
        kind = (FrameKind)header[4];
        payload = buffer.Slice(FrameBuffer.HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }
}
