namespace Game.LoadTest;

/// <summary>Creates the <see cref="IBotCodec"/> of an encoding.</summary>
public static class BotCodecs
{
    /// <summary>The codec of <paramref name="encoding"/>.</summary>
    /// <param name="encoding">The wire encoding.</param>
    /// <returns>A shared, thread-safe codec.</returns>
    /// <exception cref="NotSupportedException"><paramref name="encoding"/> is <see cref="BotEncoding.Binary"/>, which is not implemented yet.</exception>
    public static IBotCodec Create(BotEncoding encoding) => encoding switch
    {
        BotEncoding.Json => JsonBotCodec.Instance,
        BotEncoding.Binary => throw new NotSupportedException(BinaryNotSupportedMessage),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown encoding."),
    };

    /// <summary>The error text for the reserved binary encoding.</summary>
    internal const string BinaryNotSupportedMessage =
        "the binary encoding is not implemented yet (it will be negotiated in hello with \"encoding\":\"binary\"); use json";
}
