using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Game.Runtime.Networking;

/// <summary>
/// A reusable, growable buffer one frame is built in: <see cref="Start"/> reserves the header, the payload is written
/// (directly or through a <see cref="System.Text.Json.Utf8JsonWriter"/>, it is an <see cref="IBufferWriter{T}"/>), and
/// <see cref="Finish"/> fills in the length and returns the whole frame. Not thread-safe: one per send loop or thread.
/// </summary>
internal sealed class FrameBuffer : IBufferWriter<byte>
{
    /// <summary>Bytes before the payload: int32 length, byte kind.</summary>
    public const int HeaderSize = 5;

    private const int InitialSize = 4096;
    private const int KeepAtMost = 256 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _written;

    /// <summary>Starts a new frame of <paramref name="kind"/>, dropping whatever was written before.</summary>
    public void Start(FrameKind kind)
    {
        if (_buffer.Length > KeepAtMost)
        {
            // One huge frame should not pin a huge buffer for the connection's life.
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }
        _buffer[4] = (byte)kind;
        _written = HeaderSize;
    }

    /// <summary>Writes the header's length and returns the frame (valid until the next <see cref="Start"/>).</summary>
    public ReadOnlySpan<byte> Finish()
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer, _written - HeaderSize);
        return _buffer.AsSpan(0, _written);
    }

    /// <summary>Bytes of payload written since <see cref="Start"/>.</summary>
    public int PayloadLength => _written - HeaderSize;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_written++] = value;
    }

    public void WriteInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_written), value);
        _written += 8;
    }

    public void WriteGuid(Guid value)
    {
        Ensure(16);
        value.TryWriteBytes(_buffer.AsSpan(_written));
        _written += 16;
    }

    /// <summary>An unsigned integer in 7-bit groups, low first (1 byte below 128).</summary>
    public void WriteVarUInt(uint value)
    {
        Ensure(5);
        while (value >= 0x80)
        {
            _buffer[_written++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_written++] = (byte)value;
    }

    /// <summary>A string: its UTF-8 byte count (<see cref="WriteVarUInt"/>) then the bytes.</summary>
    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt((uint)count);
        Ensure(count);
        _written += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_written));
    }

    /// <summary>A string already encoded as UTF-8, same layout as <see cref="WriteString"/>.</summary>
    public void WriteUtf8(ReadOnlySpan<byte> utf8)
    {
        WriteVarUInt((uint)utf8.Length);
        Ensure(utf8.Length);
        utf8.CopyTo(_buffer.AsSpan(_written));
        _written += utf8.Length;
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1) sizeHint = 256;
        if (_buffer.Length - _written >= sizeHint) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
