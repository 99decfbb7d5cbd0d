namespace Game.LoadTest;

/// <summary>
/// What a codec remembers between the messages of one bot: for the binary encoding (docs/protocol-binary.md), the
/// version of the last <c>roster</c> and the bot's position in it, so a binary <c>map</c> can be read by index.
/// Owned by one bot's receive loop and passed by reference to every <see cref="IBotCodec.Decode"/>; JSON ignores it.
/// </summary>
public struct BotCodecState
{
    /// <summary>A new state: no roster held.</summary>
    public BotCodecState()
    {
    }

    /// <summary>The version of the roster held, or -1 for none (before the first roster, and after <c>joined</c>).</summary>
    public int RosterVersion { get; set; } = -1;

    /// <summary>The bot's index in the roster held (its entry in a binary <c>map</c>), or -1 when it is not in it.</summary>
    public int OwnIndex { get; set; } = -1;

    /// <summary>Entries in the roster held (a binary <c>map</c> following it has exactly this many).</summary>
    public int RosterCount { get; set; }

    /// <summary>Forgets the roster (on <c>joined</c>: the server sends the new room's roster before its first map).</summary>
    public void Reset() => this = new BotCodecState();
}
