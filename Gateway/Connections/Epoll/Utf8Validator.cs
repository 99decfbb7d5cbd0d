namespace Game.Gateway.Connections.Epoll;

/// <summary>
/// Checks a text message's UTF-8 piece by piece, as it arrives in frames and reads that may split a character
/// (RFC 6455, 8.1: invalid UTF-8 in a text message fails the connection with 1007). Start each message with <c>default</c>.
/// </summary>
internal struct Utf8Validator
{
    private uint _carry;      // up to 3 bytes of a character begun at the end of the last piece, first byte lowest
    private int _carryLength;

    /// <summary>Whether <paramref name="piece"/>, after the pieces before it, is still valid UTF-8; with <paramref name="final"/>, also that no character is left unfinished.</summary>
    public bool Validate(ReadOnlySpan<byte> piece, bool final)
    {
        if (_carryLength > 0)
        {
            // Finish the character begun before: at most 4 bytes in all.
            Span<byte> joined = stackalloc byte[4];
            for (var i = 0; i < _carryLength; i++) joined[i] = (byte)(_carry >> (8 * i));
            var taken = Math.Min(4 - _carryLength, piece.Length);
            piece[..taken].CopyTo(joined[_carryLength..]);
            var status = System.Text.Rune.DecodeFromUtf8(joined[..(_carryLength + taken)], out _, out var consumed);
            if (status == System.Buffers.OperationStatus.NeedMoreData)
            {
                // Still unfinished: the whole piece was part of it.
                Carry(joined[..(_carryLength + taken)]);
                return !final;
            }
            if (status != System.Buffers.OperationStatus.Done) return false;
            piece = piece[(consumed - _carryLength)..];
            _carryLength = 0;
        }

        // An unfinished character at the end is carried to the next piece.
        var tail = UnfinishedTail(piece);
        if (!System.Text.Unicode.Utf8.IsValid(piece[..^tail])) return false;
        if (tail == 0) return true;
        if (final) return false;
        var rest = piece[^tail..];
        if (System.Text.Rune.DecodeFromUtf8(rest, out _, out _) != System.Buffers.OperationStatus.NeedMoreData) return false;
        Carry(rest);
        return true;
    }

    private void Carry(ReadOnlySpan<byte> bytes)
    {
        _carry = 0;
        for (var i = 0; i < bytes.Length; i++) _carry |= (uint)bytes[i] << (8 * i);
        _carryLength = bytes.Length;
    }

    /// <summary>Bytes at the end of <paramref name="piece"/> that start a character longer than what follows them (0–3).</summary>
    private static int UnfinishedTail(ReadOnlySpan<byte> piece)
    {
        for (var back = 1; back <= Math.Min(3, piece.Length); back++)
        {
            var b = piece[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: look further back
            var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? back : 0;
        }
        return 0;
    }
}
