using System.Security.Cryptography;
using System.Text;
using Orleans;

namespace Game.Grains.Rooms;

/// <summary>
/// A room password as the room keeps it: a salted slow hash, never the password (shared protocol.md v1.1, "Connections
/// and operators": "Passwords are never stored or sent in clear: only a salted slow hash is kept"). PBKDF2 with
/// HMAC-SHA-256 (<see cref="Rfc2898DeriveBytes.Pbkdf2(string, byte[], int, HashAlgorithmName, int)"/>), a 16-byte random
/// salt per room and <see cref="DefaultIterations"/> iterations; checked with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// </summary>
/// <remarks>Verifying costs about as much CPU as hashing (tens of ms), so only joins of locked rooms pay it, and the room
/// limits wrong attempts (<see cref="Limits.TimeProviderSlidingWindow"/>) before it verifies.</remarks>
/// <param name="Salt">16 random bytes.</param>
/// <param name="Hash">The 32-byte PBKDF2 output.</param>
/// <param name="Iterations">PBKDF2 iterations used for <paramref name="Hash"/> (kept, so the default can change without breaking stored rooms).</param>
[GenerateSerializer, Alias("game.PasswordHash"), Immutable]
public sealed record PasswordHash(byte[] Salt, byte[] Hash, int Iterations)
{
    /// <summary>PBKDF2 iterations for new hashes. <value>100,000.</value></summary>
    public const int DefaultIterations = 100_000;

    /// <summary>Salt length in bytes. <value>16.</value></summary>
    public const int SaltBytes = 16;

    /// <summary>Hash length in bytes (SHA-256's). <value>32.</value></summary>
    public const int HashBytes = 32;

    /// <summary>Hashes <paramref name="password"/> under a new random salt.</summary>
    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash(salt, Derive(password, salt, iterations), iterations);
    }

    /// <summary>Whether <paramref name="password"/> is the one hashed; takes the same time whatever the answer.</summary>
    public bool Verify(string? password)
    {
        if (password is null || Salt is null || Hash is null || Iterations < 1) return false;
        var given = Derive(password, Salt, Iterations);
        return CryptographicOperations.FixedTimeEquals(given, Hash);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    /// <summary>Never shows the salt or hash (records print their members by default).</summary>
    public override string ToString() => $"PasswordHash(PBKDF2-SHA256, {Iterations} iterations)";
}
