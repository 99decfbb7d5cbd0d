using System.Runtime.InteropServices;

namespace Game.Gateway.Connections.Epoll;

/// <summary>
/// The few Linux calls the epoll loops make (libc, x86-64 and arm64): <c>epoll_create1</c>, <c>epoll_ctl</c>,
/// <c>epoll_wait</c>, <c>recv</c>, <c>sendmsg</c> and <c>clock_nanosleep</c>. Each but <see cref="Sleep"/> returns what
/// libc returns; a negative result leaves the error in <see cref="Marshal.GetLastPInvokeError"/> (Linux <c>errno</c>
/// values: <see cref="EAGAIN"/> and the like).
/// </summary>
internal static unsafe partial class LinuxSockets
{
    /// <summary>errno: interrupted by a signal; the call is made again.</summary>
    public const int EINTR = 4;
    /// <summary>errno: nothing to read, or no room to write, now (EWOULDBLOCK is the same number on Linux).</summary>
    public const int EAGAIN = 11;

    /// <summary>epoll event: readable (or the peer closed).</summary>
    public const uint EPOLLIN = 0x001;
    /// <summary>epoll event: writable.</summary>
    public const uint EPOLLOUT = 0x004;
    /// <summary>epoll event: an error on the socket.</summary>
    public const uint EPOLLERR = 0x008;
    /// <summary>epoll event: hang-up.</summary>
    public const uint EPOLLHUP = 0x010;
    /// <summary>epoll event: the peer shut down its writing side.</summary>
    public const uint EPOLLRDHUP = 0x2000;
    /// <summary>epoll flag: edge-triggered (an event per change, not per state).</summary>
    public const uint EPOLLET = 1u << 31;

    private const int EPOLL_CTL_ADD = 1;
    private const int EPOLL_CTL_DEL = 2;
    private const int EPOLL_CLOEXEC = 0x80000;
    private const int MSG_DONTWAIT = 0x40;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int CLOCK_MONOTONIC = 1;

    /// <summary>Whether this process can use these calls: Linux on x86-64 or arm64 (the layouts of <c>epoll_event</c> and <c>msghdr</c> below).</summary>
    public static bool IsSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Bytes of one <c>struct epoll_event</c>: 12 on x86-64, where it is packed, else 16.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Offset of <c>epoll_event.data</c>: 4 on x86-64, else 8.</summary>
    private static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>A new epoll instance (close-on-exec); its descriptor, or -1.</summary>
    public static int CreateEpoll() => epoll_create1(EPOLL_CLOEXEC);

    /// <summary>Adds <paramref name="fd"/> to <paramref name="epoll"/> for <paramref name="events"/>, tagged with <paramref name="data"/>; 0 or -1.</summary>
    public static int Add(int epoll, int fd, uint events, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + EpollDataOffset) = data; // unaligned on x86-64, which allows it
        return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, ev);
    }

    /// <summary>Removes <paramref name="fd"/> from <paramref name="epoll"/>; 0 or -1.</summary>
    public static int Remove(int epoll, int fd)
    {
        var ev = stackalloc byte[16]; // kernels before 2.6.9 wanted one; harmless
        return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, ev);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> ms for events into <paramref name="events"/> (<paramref name="capacity"/> of <see cref="EpollEventSize"/> bytes); their number, or -1.</summary>
    public static int Wait(int epoll, byte* events, int capacity, int timeoutMs) => epoll_wait(epoll, events, capacity, timeoutMs);

    /// <summary>The events of the <paramref name="index"/>th entry filled by <see cref="Wait"/>.</summary>
    public static uint EventsAt(byte* events, int index) => *(uint*)(events + (index * EpollEventSize));

    /// <summary>The data of the <paramref name="index"/>th entry filled by <see cref="Wait"/>.</summary>
    public static ulong DataAt(byte* events, int index) =>
        System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(events + (index * EpollEventSize) + EpollDataOffset);

    /// <summary>Reads what is there, without waiting: bytes read, 0 at the peer's end of stream, or -1.</summary>
    public static nint Receive(int fd, byte* buffer, int length) => recv(fd, buffer, (nuint)length, MSG_DONTWAIT);

    /// <summary>
    /// Writes <paramref name="first"/> then <paramref name="second"/> in one call, without waiting and without SIGPIPE:
    /// bytes written (possibly fewer than both), or -1.
    /// </summary>
    public static nint Send(int fd, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        fixed (byte* a = first)
        fixed (byte* b = second)
        {
            var iov = stackalloc IoVector[2];
            iov[0] = new IoVector { Base = a, Length = (nuint)first.Length };
            iov[1] = new IoVector { Base = b, Length = (nuint)second.Length };
            var message = new MessageHeader { Iov = iov, IovLength = second.IsEmpty ? 1u : 2u };
            return sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
        }
    }

    /// <summary>
    /// Sleeps the calling thread for <paramref name="nanoseconds"/> on the monotonic clock (<c>clock_nanosleep</c>, to
    /// the microsecond, where <see cref="Thread.Sleep(int)"/> counts whole milliseconds). A signal may end it early.
    /// </summary>
    public static void Sleep(long nanoseconds)
    {
        var request = stackalloc long[2]; // struct timespec (LP64): seconds, nanoseconds
        request[0] = nanoseconds / 1_000_000_000;
        request[1] = nanoseconds % 1_000_000_000;
        clock_nanosleep(CLOCK_MONOTONIC, 0, request, null);
    }

    /// <summary>Closes a descriptor this class or <see cref="IoUring"/> made (an epoll instance, a ring); 0 or -1.</summary>
    public static int Close(int fd) => close(fd);

    /// <summary>The <c>errno</c> of the last call above on this thread.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> (LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc")]
    private static partial int clock_nanosleep(int clock, int flags, long* request, long* remain);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    // recv and sendmsg are always called with MSG_DONTWAIT on non-blocking sockets: they return at once (tens of µs at
    // most, for a loopback send that delivers into the peer's socket), so they skip the GC transition. On Linux that
    // transition is a pair of calls into the runtime per call, with a thread-local lookup each: about 0.4 % of the
    // gateway's samples at 800 CCU (docs/performance.md, issue 11, "Thirteenth pass"). A GC that starts meanwhile waits
    // for the call to return.
    [LibraryImport("libc", SetLastError = true)]
    [SuppressGCTransition]
    private static partial nint recv(int fd, byte* buf, nuint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    [SuppressGCTransition]
    private static partial nint sendmsg(int fd, MessageHeader* msg, int flags);
}
