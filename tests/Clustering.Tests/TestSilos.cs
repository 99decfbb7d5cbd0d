using Game.Runtime.Hosting;
using Game.Runtime.Membership;

namespace Game.Clustering.Tests;

/// <summary>Silo addresses and membership rows for tests.</summary>
internal static class TestSilos
{
    private static long _generation = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A silo address no other test uses.</summary>
    public static SiloAddress NewAddress(int port = 11111) => new("10.0.0.1", port, Interlocked.Increment(ref _generation));

    /// <summary>A row for <paramref name="silo"/>; times are whole seconds (PostgreSQL keeps microseconds).</summary>
    public static MembershipEntry Entry(SiloAddress silo, SiloStatus status)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return new MembershipEntry(silo, status, $"host-{silo.Port}", now, now, SiloLoad.None);
    }

    /// <summary>Adds silos with <paramref name="status"/> as a single writer (re-reading the version on a lost race).</summary>
    public static async Task<SiloAddress[]> AddAsync(IMembershipTable table, SiloStatus status, int count)
    {
        var silos = Enumerable.Range(0, count).Select(i => NewAddress(20000 + i)).ToArray();
        foreach (var silo in silos) await PutAsync(table, Entry(silo, status));
        return silos;
    }

    /// <summary>Inserts or updates <paramref name="entry"/>, retrying on version conflicts with other writers.</summary>
    public static async Task PutAsync(IMembershipTable table, MembershipEntry entry)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var snapshot = await table.ReadAllAsync(CancellationToken.None);
            var exists = snapshot.Entries.Any(e => e.Silo == entry.Silo);
            var written = exists
                ? await table.TryUpdateAsync(entry, snapshot.Version, CancellationToken.None)
                : await table.TryInsertAsync(entry, snapshot.Version, CancellationToken.None);
            if (written) return;
        }
        Assert.Fail($"Writing the membership row of {entry.Silo} lost 50 version races in a row.");
    }
}
