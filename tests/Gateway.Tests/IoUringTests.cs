using System.Net;
using System.Net.Sockets;
using Game.Gateway.Connections.Epoll;

namespace Game.Gateway.Tests;

/// <summary>
/// <see cref="IoUring"/> on real TCP connections over loopback: sends and receives of many sockets in one batch, each
/// result under its tag, and the results a <c>recv</c> or <c>send</c> made without waiting gives (nothing there, end of
/// stream, a closed peer).
/// </summary>
public sealed unsafe class IoUringTests : IDisposable
{
    private readonly List<Socket> _sockets = [];

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
    }

    private static IoUring Ring(int entries = 8) =>
        IoUring.TryCreate(entries, out var error) ?? throw new InvalidOperationException($"the kernel refused a ring: errno {error}");

    private (Socket Client, Socket Server) Pair()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        server.Blocking = false;
        _sockets.Add(client);
        _sockets.Add(server);
        return (client, server);
    }

    private static int Fd(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    [EpollFact]
    public void Sends_on_several_sockets_in_one_batch_each_deliver_their_bytes_with_their_tag()
    {
        using var ring = Ring();
        var pairs = Enumerable.Range(0, 5).Select(_ => Pair()).ToArray();
        var payloads = pairs.Select((_, i) => Enumerable.Range(0, 100 + i).Select(b => (byte)(b + i)).ToArray()).ToArray();
        var results = new int[8];
        var handles = payloads.Select(p => System.Runtime.InteropServices.GCHandle.Alloc(p, System.Runtime.InteropServices.GCHandleType.Pinned)).ToArray();
        try
        {
            // Tags in another order than the queue's: each result lands under its own.
            for (var i = 0; i < pairs.Length; i++)
            {
                ring.QueueSend(Fd(pairs[i].Server), (byte*)handles[i].AddrOfPinnedObject(), payloads[i].Length, tag: pairs.Length - 1 - i);
            }
            Assert.Equal(5, ring.Queued);
            ring.SubmitAndWait(results);
            Assert.Equal(0, ring.Queued);
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
        for (var i = 0; i < pairs.Length; i++)
        {
            Assert.Equal(payloads[i].Length, results[pairs.Length - 1 - i]);
            var received = new byte[200];
            var count = 0;
            while (count < payloads[i].Length) count += pairs[i].Client.Receive(received.AsSpan(count));
            Assert.Equal(payloads[i], received[..count]);
        }
    }

    [EpollFact]
    public void Receives_in_one_batch_give_the_bytes_there_or_EAGAIN_when_none_are()
    {
        using var ring = Ring();
        var (client1, server1) = Pair();
        var (_, server2) = Pair();
        client1.Send("hello"u8);
        // Wait until the bytes are there, so that the batch's recv finds them without waiting.
        Assert.True(server1.Poll(TimeSpan.FromSeconds(10), SelectMode.SelectRead));
        var buffer = new byte[64];
        var empty = new byte[64];
        var results = new int[2];
        fixed (byte* at = buffer)
        fixed (byte* other = empty)
        {
            ring.QueueReceive(Fd(server1), at, buffer.Length, tag: 0);
            ring.QueueReceive(Fd(server2), other, empty.Length, tag: 1);
            ring.SubmitAndWait(results);
        }
        Assert.Equal(5, results[0]);
        Assert.Equal("hello"u8.ToArray(), buffer[..5]);
        Assert.Equal(-LinuxSockets.EAGAIN, results[1]); // nothing to read: the batch did not wait for it
    }

    [EpollFact]
    public void A_receive_after_the_peer_closed_gives_zero_and_a_send_to_a_reset_peer_an_error()
    {
        using var ring = Ring();
        var (client, server) = Pair();
        client.Shutdown(SocketShutdown.Send);
        Assert.True(server.Poll(TimeSpan.FromSeconds(10), SelectMode.SelectRead));
        var buffer = new byte[16];
        var results = new int[1];
        fixed (byte* at = buffer)
        {
            ring.QueueReceive(Fd(server), at, buffer.Length, tag: 0);
            ring.SubmitAndWait(results);
        }
        Assert.Equal(0, results[0]); // the peer's end of stream

        var (resetClient, resetServer) = Pair();
        resetClient.LingerState = new LingerOption(true, 0);
        resetClient.Close(); // an RST, not a FIN
        Assert.True(resetServer.Poll(TimeSpan.FromSeconds(10), SelectMode.SelectRead));
        fixed (byte* at = buffer)
        {
            ring.QueueSend(Fd(resetServer), at, buffer.Length, tag: 0);
            ring.SubmitAndWait(results);
        }
        Assert.True(results[0] < 0, $"a send to a reset peer fails, got {results[0]}"); // -ECONNRESET or -EPIPE, and no SIGPIPE
    }

    [EpollFact]
    public void A_batch_holds_at_most_its_capacity_and_an_empty_batch_returns_at_once()
    {
        using var ring = Ring(entries: 2);
        Assert.Equal(2, ring.Capacity);
        ring.SubmitAndWait([]);
        var (_, server) = Pair();
        var buffer = new byte[4];
        var results = new int[2];
        fixed (byte* at = buffer)
        {
            ring.QueueReceive(Fd(server), at, 4, 0);
            ring.QueueReceive(Fd(server), at, 4, 1);
            var address = (nint)at;
            Assert.Throws<InvalidOperationException>(() => ring.QueueReceive(Fd(server), (byte*)address, 4, 0));
            ring.SubmitAndWait(results);
        }
        Assert.Equal([-LinuxSockets.EAGAIN, -LinuxSockets.EAGAIN], results);
        // The ring is used again after a batch: the queues wrap around.
        for (var round = 0; round < 5; round++)
        {
            fixed (byte* at = buffer)
            {
                ring.QueueReceive(Fd(server), at, 4, 0);
                ring.SubmitAndWait(results);
            }
            Assert.Equal(-LinuxSockets.EAGAIN, results[0]);
        }
    }

    [Fact]
    public void A_ring_of_no_entries_or_more_than_4096_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IoUring.TryCreate(0, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => IoUring.TryCreate(4097, out _));
    }

    [EpollFact]
    public void A_disposed_ring_refuses_work_and_disposing_twice_is_harmless()
    {
        var ring = Ring();
        ring.Dispose();
        ring.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ring.SubmitAndWait([]));
    }
}
