using Game.Grains.Limits;
using Game.Grains.Rooms;
using Game.Grains.Tests.Kinds;
using Microsoft.Extensions.Time.Testing;

namespace Game.Grains.Tests.Rooms;

/// <summary>Room passwords: a salted slow hash, and the wrong-password window (shared protocol.md v1.1, "Connections and operators").</summary>
public sealed class RoomPasswordTests
{
    [Fact]
    public void Hash_verifies_the_password_and_nothing_else()
    {
        var hash = PasswordHash.Create("s3cret", iterations: 1_000);
        Assert.True(hash.Verify("s3cret"));
        Assert.False(hash.Verify("s3cret "));
        Assert.False(hash.Verify("S3cret"));
        Assert.False(hash.Verify(""));
        Assert.False(hash.Verify(null));
    }

    [Fact]
    public void Hash_is_PBKDF2_SHA256_with_a_16_byte_random_salt_and_100000_iterations()
    {
        var a = PasswordHash.Create("same");
        var b = PasswordHash.Create("same");
        Assert.Equal(100_000, a.Iterations);
        Assert.Equal(16, a.Salt.Length);
        Assert.Equal(32, a.Hash.Length);
        Assert.NotEqual(a.Salt, b.Salt);
        Assert.NotEqual(a.Hash, b.Hash);
        var expected = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            "same"u8.ToArray(), a.Salt, 100_000, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        Assert.Equal(expected, a.Hash);
    }

    [Fact]
    public void Hash_never_holds_or_prints_the_password()
    {
        var hash = PasswordHash.Create("hunter2-password", iterations: 1_000);
        Assert.DoesNotContain("hunter2", hash.ToString(), StringComparison.Ordinal);
        var bytes = "hunter2-password"u8.ToArray();
        Assert.False(hash.Hash.AsSpan().IndexOf(bytes) >= 0 || hash.Salt.AsSpan().IndexOf(bytes) >= 0);
    }

    [Fact]
    public void Checkpoint_keeps_the_hash_not_the_password_and_survives_serialization()
    {
        var checkpoint = new RoomCheckpoint { Kind = "arena", PasswordHash = PasswordHash.Create("pw", iterations: 1_000) };
        var copy = (RoomCheckpoint)KindStateSerialization.RoundTrip(checkpoint);
        Assert.Null(copy.LegacyPassword);
        Assert.NotNull(copy.PasswordHash);
        Assert.True(copy.PasswordHash!.Verify("pw"));
        Assert.False(copy.PasswordHash.Verify("wrong"));
    }

    [Fact]
    public void Window_refuses_after_the_limit_until_the_oldest_attempt_is_a_minute_old()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var attempts = RoomWindow(clock);
        for (var i = 0; i < 19; i++)
        {
            Assert.True(attempts.TryAcquire());
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.False(attempts.IsExhausted);
        Assert.True(attempts.TryAcquire()); // the 20th, at t = 19 s
        Assert.True(attempts.IsExhausted);
        Assert.False(attempts.TryAcquire(), "the 21st within the minute");
        clock.Advance(TimeSpan.FromSeconds(40)); // t = 59 s: the first is 59 s old
        Assert.True(attempts.IsExhausted);
        clock.Advance(TimeSpan.FromSeconds(1)); // t = 60 s: the first is a minute old
        Assert.False(attempts.IsExhausted);
        Assert.True(attempts.TryAcquire()); // 20 within the minute again (t = 1 s … 60 s)
        Assert.True(attempts.IsExhausted);
    }

    [Fact]
    public void Window_of_five_per_connection()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var attempts = new TimeProviderSlidingWindow(clock, 5, TimeSpan.FromMinutes(1), segmentsPerWindow: 60); // as PlayerConnection's
        for (var i = 0; i < 4; i++) attempts.TryAcquire();
        Assert.False(attempts.IsExhausted);
        attempts.TryAcquire();
        Assert.True(attempts.IsExhausted);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(attempts.IsExhausted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(attempts.IsExhausted);
    }

    /// <summary>The room's limit in a one-minute window of one-second segments, the same as <see cref="RoomGrain"/> makes.</summary>
    private static TimeProviderSlidingWindow RoomWindow(TimeProvider clock)
        => new(clock, RoomGrain.MaxWrongPasswordsPerMinute, TimeSpan.FromMinutes(1), segmentsPerWindow: 60);
}
