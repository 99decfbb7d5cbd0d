namespace Game.LoadTest;

/// <summary>Creates the <see cref="IBotCodec"/> of an encoding.</summary>
public static class BotCodecs
{
    /// <summary>The codec of <paramref name="encoding"/>.</summary>
    /// <param name="encoding">The wire encoding.</param>
    /// <returns>A shared, thread-safe codec.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="encoding"/> is not a known encoding.</exception>
    public static IBotCodec Create(BotEncoding encoding) => encoding switch
    {
        BotEncoding.Json => JsonBotCodec.Instance,
        BotEncoding.Binary => BinaryBotCodec.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown encoding."),
    };
}
