using System.Runtime.InteropServices;

namespace Game.Gateway.Connections.Epoll;

/// <summary>
/// A Linux io_uring used as a batch of socket calls: <c>recv</c>s or <c>send</c>s on many sockets are queued, then made
/// in one <c>io_uring_enter</c> that also waits for all of them, so a pass that serves 30 sockets enters the kernel
/// once, not 30 times (docs/performance.md, issue 11, "Sixteenth pass": a system call costs about 1 µs on this machine's
/// kernel before it does any work). Every call is made without waiting (<c>MSG_DONTWAIT</c>), so the kernel completes it
/// inside the enter, with the bytes moved, <c>-EAGAIN</c> or an error, and never keeps a buffer past
/// <see cref="SubmitAndWait"/>: buffers need to stay put (pinned) only for that call.
/// </summary>
/// <remarks>
/// Not thread-safe: one thread queues and submits at a time (an epoll loop's thread for its own ring). The rings are
/// mapped once; queued entries beyond <see cref="Capacity"/> are refused.
/// </remarks>
internal sealed unsafe partial class IoUring : IDisposable
{
    private const int SysIoUringSetup = 425, SysIoUringEnter = 426; // the same on x86-64 and arm64
    private const uint EnterGetEvents = 1;
    private const byte OpSend = 26, OpRecv = 27;
    private const uint FeatSingleMmap = 1, FeatFastPoll = 1 << 5;
    private const long OffSqRing = 0, OffCqRing = 0x8000000, OffSqes = 0x10000000;
    private const int ProtReadWrite = 0x3, MapShared = 0x01, MapPopulate = 0x8000;
    private const int MsgDontWait = 0x40, MsgNoSignal = 0x4000;
    private const int SqeBytes = 64, CqeBytes = 16;
    private const int EBusy = 16; // errno: io_uring_enter found the completion queue full; reap, then enter again

    private readonly int _fd;
    private readonly byte* _rings, _cqRing;
    private readonly nuint _ringsLength, _cqLength;
    private readonly byte* _sqes;
    private readonly nuint _sqesLength;
    private readonly uint* _sqHead, _sqTail, _cqHead, _cqTail;
    private readonly uint _sqMask, _cqMask;
    private readonly byte* _cqes;
    private uint _tail; // our copy of the submission tail: entries up to it are written
    private int _queued;
    private bool _disposed;

    private IoUring(int fd, in Parameters p)
    {
        _fd = fd;
        var sqLength = (nuint)(p.SqOff.Array + (p.SqEntries * 4));
        var cqLength = (nuint)(p.CqOff.Cqes + (p.CqEntries * CqeBytes));
        var single = (p.Features & FeatSingleMmap) != 0;
        _ringsLength = single ? Math.Max(sqLength, cqLength) : sqLength;
        _rings = Map(fd, _ringsLength, OffSqRing);
        if (single)
        {
            _cqRing = _rings;
        }
        else
        {
            _cqLength = cqLength;
            _cqRing = Map(fd, cqLength, OffCqRing);
        }
        _sqesLength = (nuint)(p.SqEntries * SqeBytes);
        _sqes = Map(fd, _sqesLength, OffSqes);

        _sqHead = (uint*)(_rings + p.SqOff.Head);
        _sqTail = (uint*)(_rings + p.SqOff.Tail);
        _sqMask = *(uint*)(_rings + p.SqOff.RingMask);
        _cqHead = (uint*)(_cqRing + p.CqOff.Head);
        _cqTail = (uint*)(_cqRing + p.CqOff.Tail);
        _cqMask = *(uint*)(_cqRing + p.CqOff.RingMask);
        _cqes = _cqRing + p.CqOff.Cqes;
        Capacity = (int)p.SqEntries;
        // Entry i of the submission array always names entry i: the queue's order is the slots' order.
        var array = (uint*)(_rings + p.SqOff.Array);
        for (uint i = 0; i < p.SqEntries; i++) array[i] = i;
        _tail = *_sqTail;
    }

    /// <summary>Entries one batch may hold (the submission queue's size, a power of two at least the size asked for).</summary>
    public int Capacity { get; }

    /// <summary>Entries queued since the last <see cref="SubmitAndWait"/>.</summary>
    public int Queued => _queued;

    /// <summary>Whether this process runs where rings can be made at all: Linux on x86-64 or arm64 (the kernel may still refuse: <see cref="TryCreate"/>).</summary>
    public static bool IsSupported => LinuxSockets.IsSupported;

    /// <summary>
    /// A new ring of at least <paramref name="entries"/> entries (1–4,096), or null when the kernel refuses one: too old
    /// (before 5.7), io_uring turned off (<c>kernel.io_uring_disabled</c>), or filtered out by
    /// a seccomp profile, as some container runtimes do. <paramref name="error"/> is then the <c>errno</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entries"/> is not within 1–4,096.</exception>
    public static IoUring? TryCreate(int entries, out int error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entries, 4096);
        error = 0;
        if (!IsSupported) return null;
        Parameters p = default;
        var fd = (int)syscall(SysIoUringSetup, (nint)entries, (nint)(&p), 0, 0, 0, 0);
        if (fd < 0)
        {
            error = Marshal.GetLastPInvokeError();
            return null;
        }
        if ((p.Features & FeatFastPoll) == 0)
        {
            // Before 5.7: IORING_OP_SEND and IORING_OP_RECV may be missing (5.6); not worth telling apart.
            error = 38; // ENOSYS
            LinuxSockets.Close(fd);
            return null;
        }
        try
        {
            return new IoUring(fd, p);
        }
        catch (IOException)
        {
            error = Marshal.GetLastPInvokeError();
            LinuxSockets.Close(fd);
            return null;
        }
    }

    /// <summary>Queues a <c>send</c> of <paramref name="length"/> bytes at <paramref name="buffer"/> on <paramref name="fd"/>, without waiting and without SIGPIPE; its result comes back under <paramref name="tag"/>.</summary>
    /// <param name="fd">A connected stream socket; it must stay open until <see cref="SubmitAndWait"/> returns.</param>
    /// <param name="buffer">The bytes; they must stay put (pinned) until <see cref="SubmitAndWait"/> returns.</param>
    /// <param name="length">Bytes to send.</param>
    /// <param name="tag">The index of this call's result in <see cref="SubmitAndWait"/>'s span.</param>
    /// <exception cref="InvalidOperationException">The batch is full (<see cref="Capacity"/>).</exception>
    public void QueueSend(int fd, byte* buffer, int length, int tag) => Queue(OpSend, fd, buffer, length, MsgDontWait | MsgNoSignal, tag);

    /// <summary>Queues a <c>recv</c> of at most <paramref name="length"/> bytes into <paramref name="buffer"/> from <paramref name="fd"/>, without waiting; its result comes back under <paramref name="tag"/>.</summary>
    /// <param name="fd">A connected stream socket; it must stay open until <see cref="SubmitAndWait"/> returns.</param>
    /// <param name="buffer">Where the bytes go; it must stay put (pinned) until <see cref="SubmitAndWait"/> returns.</param>
    /// <param name="length">Room at <paramref name="buffer"/>, bytes.</param>
    /// <param name="tag">The index of this call's result in <see cref="SubmitAndWait"/>'s span.</param>
    /// <exception cref="InvalidOperationException">The batch is full (<see cref="Capacity"/>).</exception>
    public void QueueReceive(int fd, byte* buffer, int length, int tag) => Queue(OpRecv, fd, buffer, length, MsgDontWait, tag);

    private void Queue(byte opcode, int fd, byte* buffer, int length, int flags, int tag)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_queued == Capacity) throw new InvalidOperationException($"the batch holds at most {Capacity} calls");
        var sqe = _sqes + ((_tail & _sqMask) * SqeBytes);
        new Span<byte>(sqe, SqeBytes).Clear();
        sqe[0] = opcode;
        *(int*)(sqe + 4) = fd;
        *(ulong*)(sqe + 16) = (ulong)buffer;
        *(uint*)(sqe + 24) = (uint)length;
        *(int*)(sqe + 28) = flags;
        *(ulong*)(sqe + 32) = (ulong)(uint)tag;
        _tail++;
        _queued++;
    }

    /// <summary>
    /// Makes every queued call and waits until all have completed (at once, as none waits for the network); each result
    /// goes to <paramref name="results"/>[tag]: bytes moved (0 from a <c>recv</c>: the peer's end of stream), or a
    /// negative <c>errno</c> (<c>-EAGAIN</c>: nothing to read, or no room to write, now). Nothing queued: returns at once.
    /// </summary>
    /// <param name="results">Room for every tag queued.</param>
    /// <exception cref="IOException">
    /// The kernel refused the batch itself (not one call of it). The results of the calls that completed are in
    /// <paramref name="results"/>, the others' entries keep what they held; dispose the ring, as calls may still wait in it.
    /// </exception>
    public void SubmitAndWait(Span<int> results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var waiting = _queued;
        if (waiting == 0) return;
        _queued = 0;
        Volatile.Write(ref *_sqTail, _tail);
        while (waiting > 0)
        {
            var unsubmitted = _tail - Volatile.Read(ref *_sqHead);
            var entered = syscall(SysIoUringEnter, _fd, (nint)unsubmitted, (nint)waiting, (nint)EnterGetEvents, 0, 0);
            var error = entered < 0 ? Marshal.GetLastPInvokeError() : 0;
            waiting -= Reap(results);
            // EINTR: a signal; EAGAIN or EBUSY: completions to reap first, done above. Anything else: the ring is broken.
            if (entered < 0 && error is not (LinuxSockets.EINTR or LinuxSockets.EAGAIN or EBusy) && waiting > 0)
            {
                throw new IOException($"io_uring_enter failed: errno {error}");
            }
        }
    }

    /// <summary>Takes the completions posted so far into <paramref name="results"/>; their number.</summary>
    private int Reap(Span<int> results)
    {
        var head = *_cqHead;
        var tail = Volatile.Read(ref *_cqTail);
        var reaped = 0;
        for (; head != tail; head++, reaped++)
        {
            var cqe = _cqes + ((head & _cqMask) * CqeBytes);
            results[(int)*(ulong*)cqe] = *(int*)(cqe + 8);
        }
        Volatile.Write(ref *_cqHead, head);
        return reaped;
    }

    /// <summary>Unmaps the rings and closes the ring's descriptor. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        munmap(_sqes, _sqesLength);
        if (_cqRing != _rings) munmap(_cqRing, _cqLength);
        munmap(_rings, _ringsLength);
        LinuxSockets.Close(_fd);
    }

    private static byte* Map(int fd, nuint length, long offset)
    {
        var at = mmap(null, length, ProtReadWrite, MapShared | MapPopulate, fd, offset);
        if (at == (void*)-1) throw new IOException($"mmap of an io_uring failed: errno {Marshal.GetLastPInvokeError()}");
        return (byte*)at;
    }

    /// <summary><c>struct io_uring_params</c> (120 bytes) with its two offset tables.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Parameters
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd;
        private fixed uint _reserved[3];
        public SqOffsets SqOff;
        public CqOffsets CqOff;
    }

    /// <summary><c>struct io_sqring_offsets</c> (40 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SqOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Reserved;
        public ulong UserAddress;
    }

    /// <summary><c>struct io_cqring_offsets</c> (40 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CqOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Reserved;
        public ulong UserAddress;
    }

    // io_uring_setup and io_uring_enter have no libc wrappers: syscall(2), with every argument a register-sized integer.
    // With the GC transition: io_uring_enter returns within microseconds when every call is made without waiting, but
    // a GC must not be held up if a kernel ever parks one of them.
    [LibraryImport("libc", SetLastError = true)]
    private static partial nint syscall(nint number, nint a, nint b, nint c, nint d, nint e, nint f);

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);
}
