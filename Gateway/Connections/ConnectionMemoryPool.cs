using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Connections;

/// <summary>
/// Kestrel's memory pool in this gateway (ASP.NET Core's <see cref="IMemoryPoolFactory{T}"/> extension point, which
/// Kestrel's socket transport takes from the service provider): blocks of <see cref="GatewayOptions.MemoryPoolBlockBytes"/>
/// (2 KiB by default) instead of Kestrel's own 4 KiB.
/// </summary>
/// <remarks>
/// A connection's output pipe holds one block for every frame written and not yet sent, and Kestrel's pool keeps every
/// block it ever lent at once. A room's tick writes a frame to each of its players at the same moment, so at 1,000 players
/// Kestrel's pool held 1.2 blocks of 4 KiB per player, for frames of 0.3–0.7 KiB (8-player arena <c>map</c>, JSON):
/// docs/performance.md, "Memory per player". A frame larger than a block spans several. A block must not be smaller
/// than the 2 KiB that Kestrel's socket transport asks for each read: <c>System.IO.Pipelines</c> takes a larger request
/// from <see cref="ArrayPool{T}.Shared"/>, and with 1 KiB blocks every read allocated a new 4 KiB array there.
/// </remarks>
internal sealed class ConnectionMemoryPoolFactory(IOptions<GatewayOptions> gateway, TimeProvider time) : IMemoryPoolFactory<byte>
{
    /// <summary>How often a pool drops the free blocks that the last period did not need. <value>10 seconds, as Kestrel's pool.</value></summary>
    internal static readonly TimeSpan TrimPeriod = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<ConnectionMemoryPool> _created = new();

    /// <summary>The pools this factory made (Kestrel makes one per transport), for tests and diagnostics.</summary>
    internal IReadOnlyCollection<ConnectionMemoryPool> Created => _created;

    /// <summary>Creates a pool of <see cref="GatewayOptions.MemoryPoolBlockBytes"/>-byte pinned blocks.</summary>
    /// <param name="options">Kestrel's options for the pool (its owner's name); not used.</param>
    /// <returns>A new pool; disposing it drops its free blocks and stops its trimming.</returns>
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new ConnectionMemoryPool(gateway.Value.MemoryPoolBlockBytes, time, TrimPeriod);
        _created.Enqueue(pool);
        return pool;
    }
}

/// <summary>
/// A pool of pinned blocks of one size (see <see cref="ConnectionMemoryPoolFactory"/>). Free blocks wait in a queue;
/// every <c>trimPeriod</c> the pool drops those beyond what the period's peak of blocks in use needed, so a burst (a ramp
/// of joins) does not stay in memory. Thread-safe.
/// </summary>
internal sealed class ConnectionMemoryPool : MemoryPool<byte>
{
    private readonly int _blockSize;
    private readonly ConcurrentQueue<Block> _free = new();
    private readonly ITimer _trimTimer;
    private int _inUse;
    private int _peakInUse;
    private int _made;
    private volatile bool _disposed;

    /// <param name="blockSize">Bytes per block, ≥ 1.</param>
    /// <param name="time">The clock of the trimming timer.</param>
    /// <param name="trimPeriod">How often free blocks that the period did not need are dropped.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockSize"/> is below 1.</exception>
    public ConnectionMemoryPool(int blockSize, TimeProvider time, TimeSpan trimPeriod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        _blockSize = blockSize;
        _trimTimer = time.CreateTimer(static state => ((ConnectionMemoryPool)state!).Trim(), this, trimPeriod, trimPeriod);
    }

    /// <summary>The block size, bytes: the largest buffer <see cref="Rent"/> gives.</summary>
    public override int MaxBufferSize => _blockSize;

    /// <summary>Free blocks waiting in the pool (tests, diagnostics).</summary>
    internal int FreeBlocks => _free.Count;

    /// <summary>Blocks lent and not yet returned (tests, diagnostics).</summary>
    internal int BlocksInUse => Volatile.Read(ref _inUse);

    /// <summary>Blocks this pool has made (tests, diagnostics).</summary>
    internal int BlocksMade => Volatile.Read(ref _made);

    /// <summary>Lends a block of <see cref="MaxBufferSize"/> bytes; disposing the owner returns it.</summary>
    /// <param name="minBufferSize">Least size wanted, bytes; -1 (the default) for the block size.</param>
    /// <returns>A free block, or a new one when none is free.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minBufferSize"/> exceeds the block size.</exception>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, _blockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var inUse = Interlocked.Increment(ref _inUse);
        var peak = Volatile.Read(ref _peakInUse);
        while (inUse > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakInUse, inUse, peak);
            if (seen == peak) break;
            peak = seen;
        }
        if (_free.TryDequeue(out var block)) return block;
        Interlocked.Increment(ref _made);
        return new Block(this, _blockSize);
    }

    /// <summary>Drops free blocks beyond what the period's peak needed (timer callback; tests call it directly).</summary>
    internal void Trim()
    {
        var inUse = Volatile.Read(ref _inUse);
        var peak = Interlocked.Exchange(ref _peakInUse, inUse);
        var keep = Math.Max(0, peak - inUse);
        for (var excess = _free.Count - keep; excess > 0 && _free.TryDequeue(out _); excess--)
        {
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (!disposing) return;
        _trimTimer.Dispose();
        _free.Clear();
    }

    private void Return(Block block)
    {
        Interlocked.Decrement(ref _inUse);
        if (!_disposed) _free.Enqueue(block);
    }

    /// <summary>One pinned block; its owner is itself, reused across rentals.</summary>
    private sealed class Block : IMemoryOwner<byte>
    {
        private readonly ConnectionMemoryPool _pool;

        public Block(ConnectionMemoryPool pool, int size)
        {
            _pool = pool;
            Memory = MemoryMarshal.CreateFromPinnedArray(GC.AllocateUninitializedArray<byte>(size, pinned: true), 0, size);
        }

        public Memory<byte> Memory { get; }

        public void Dispose() => _pool.Return(this);
    }
}
