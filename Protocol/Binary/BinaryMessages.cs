namespace Game.Protocol;

/// <summary>The texts of binary-frame errors (constants: rejecting a frame allocates nothing but the error).</summary>
internal static class BinaryMessages
{
    public const string NotNegotiated = "binary frames need \"encoding\":\"binary\" in hello; this connection speaks JSON";
    public const string Empty = "empty binary frame";
    public const string UnknownTag = "unknown binary tag; a client sends input (0x81) only";
    public const string WrongTag = "this binary message is not the one expected here (a client sends input, 0x81)";
    public const string InputSeq = "binary input.seq must be a minimal varint of at most 2^63-1";
    public const string InputLength = "a binary input is exactly tag, seq, time (f64), vx, vy (f32) and flags (u8)";
    public const string InputTime = "binary input.time must be finite (the client clock, ms)";
    public const string InputDirection = "binary input vx and vy must be finite and in [-1, 1]";
    public const string InputFlags = "binary input.flags has reserved bits set (only bit 0, attack, is defined)";
    public const string MapHeader = "binary map: truncated header or malformed tick/count varint";
    public const string MapEntries = "binary map: the entries do not fill the frame exactly (count, lengths or ack varints)";
    public const string RosterHeader = "binary roster: truncated header or malformed count varint";
    public const string RosterIds = "binary roster: ids must be 1-255 bytes of valid UTF-8 and fill the frame exactly";
}
