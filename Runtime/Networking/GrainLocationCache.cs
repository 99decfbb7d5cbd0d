using System.Collections.Concurrent;
using Game.Runtime.Directory;
using Game.Runtime.Hosting;

namespace Game.Runtime.Networking;

/// <summary>
/// This process's cache of where grains are: the directory entries it looked up, the silos placement picked (activation
/// id empty until a response names it), and, in a silo, its own activations as they register. Entries are dropped when
/// a silo answers that the call was forwarded, when a call fails with <see cref="SiloUnavailableException"/>, and for
/// every grain of a silo the membership view declares dead. Bounded: past <c>capacity</c> entries about a tenth are
/// dropped, arbitrary ones (a dropped entry only costs a directory lookup). Stands for Orleans's <c>GrainDirectoryCache</c>.
/// </summary>
internal sealed class GrainLocationCache(int capacity = 100_000)
{
    private readonly ConcurrentDictionary<GrainId, GrainAddress> _entries = new();
    private int _count; // kept beside the dictionary: its Count takes every lock, too dear on each Set
    private int _trimming;

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(GrainId grain, out GrainAddress address)
    {
        if (_entries.TryGetValue(grain, out var found))
        {
            address = found;
            return true;
        }
        address = null!;
        return false;
    }

    public void Set(GrainAddress address)
    {
        while (true)
        {
            if (_entries.TryAdd(address.GrainId, address))
            {
                if (Interlocked.Increment(ref _count) > capacity) Trim();
                return;
            }
            if (_entries.TryGetValue(address.GrainId, out var current) && _entries.TryUpdate(address.GrainId, address, current)) return;
        }
    }

    /// <summary>Removes exactly <paramref name="entry"/> (not a newer value of the same grain), keeping the count.</summary>
    private bool TryRemove(KeyValuePair<GrainId, GrainAddress> entry)
    {
        if (!_entries.TryRemove(entry)) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Drops entries until a tenth of the capacity is free; one caller at a time, the others go on.</summary>
    private void Trim()
    {
        if (Interlocked.Exchange(ref _trimming, 1) != 0) return;
        try
        {
            var excess = Count - capacity + capacity / 10;
            foreach (var entry in _entries)
            {
                if (excess <= 0) break;
                if (TryRemove(entry)) excess--;
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    /// <summary>Drops the entry of <paramref name="grain"/> if it still points at <paramref name="silo"/>.</summary>
    public void Invalidate(GrainId grain, SiloAddress silo)
    {
        if (_entries.TryGetValue(grain, out var current) && current.Silo == silo)
            TryRemove(new KeyValuePair<GrainId, GrainAddress>(grain, current));
    }

    /// <summary>Drops the entry if it is exactly <paramref name="address"/>.</summary>
    public void Invalidate(GrainAddress address) => TryRemove(new KeyValuePair<GrainId, GrainAddress>(address.GrainId, address));

    public void Remove(GrainId grain)
    {
        if (_entries.TryRemove(grain, out _)) Interlocked.Decrement(ref _count);
    }

    /// <summary>Records the activation a silo answered from, if the entry still points at that silo.</summary>
    public void Learn(GrainId grain, SiloAddress silo, Guid activation)
    {
        if (_entries.TryGetValue(grain, out var current) && current.ActivationId != activation && current.Silo == silo)
            _entries.TryUpdate(grain, current with { ActivationId = activation }, current);
    }

    /// <summary>Drops every entry on <paramref name="silo"/>; returns how many.</summary>
    public int DropSilo(SiloAddress silo)
    {
        var count = 0;
        foreach (var entry in _entries)
        {
            if (entry.Value.Silo == silo && TryRemove(entry)) count++;
        }
        return count;
    }
}
