using System.Buffers.Text;
using System.Security.Cryptography;

namespace Game.Gateway.Sessions;

/// <summary>Player ids: generated here (never taken from the client, protocol.md) and read back from resume tokens.</summary>
internal static class PlayerIds
{
    /// <summary>Longest id accepted from a token: anything longer was not made by <see cref="New"/>.</summary>
    private const int MaxLength = 32;

    /// <summary>A new player id: 8 random URL-safe chars (48 random bits, base64url).</summary>
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[6];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// The player id a resume token belongs to: the part before its first '.' (PlayerGrain makes tokens
    /// <c>&lt;playerId&gt;.&lt;secret&gt;</c>). False when the token cannot be one of ours, so no grain is activated for it.
    /// </summary>
    public static bool TryFromToken(string token, out string playerId)
    {
        playerId = "";
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot > MaxLength) return false;
        foreach (var c in token.AsSpan(0, dot))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        }
        playerId = token[..dot];
        return true;
    }
}
