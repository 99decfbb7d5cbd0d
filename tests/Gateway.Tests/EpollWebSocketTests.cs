using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Game.Gateway.Connections;
using Game.Gateway.Connections.Epoll;
using Game.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Game.Gateway.Tests;

/// <summary>
/// <see cref="EpollWebSocket"/> on a real TCP connection over loopback, watched by its own <see cref="EpollLoop"/>: the
/// test plays the client with raw frames, so each rule of RFC 6455 the server side keeps is checked byte by byte.
/// (Every end-to-end test of the gateway runs on it as well, with .NET's <see cref="ClientWebSocket"/> as the client.)
/// </summary>
public class EpollWebSocketTests : IAsyncLifetime
{
    /// <summary>The loops' <c>batchReadsFrom</c>: 0, every read a <c>recv</c> of its own.</summary>
    protected virtual int BatchReadsFrom => 0;

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private EpollLoop _loop = null!;
    private Socket _client = null!;
    private EpollWebSocket _server = null!;

    /// <summary>Whether this machine can run them (Linux on x86-64 or arm64); elsewhere the gateway uses .NET's WebSocket.</summary>
    private static bool Supported => LinuxSockets.IsSupported;

    public async Task InitializeAsync()
    {
        if (!Supported) return;
        _loop = new EpollLoop("test epoll", TimeSpan.FromMilliseconds(1), NullLogger.Instance, batchReadsFrom: BatchReadsFrom);
        (_client, _server) = await ConnectAsync(_loop, TimeSpan.Zero);
    }

    public Task DisposeAsync()
    {
        if (!Supported) return Task.CompletedTask;
        _server.Dispose();
        _client.Dispose();
        _loop.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<(Socket Client, EpollWebSocket Server)> ConnectAsync(EpollLoop loop, TimeSpan keepAlive)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!);
        var accepted = listener.Accept(); // no asynchronous call on the server's socket, as in the gateway
        var registration = loop.Add((int)accepted.SafeHandle.DangerousGetHandle(), new ReadableSignal());
        return (client, new EpollWebSocket(accepted, registration, keepAlive));
    }

    /// <summary>Connects <paramref name="count"/> clients to sockets on <paramref name="loop"/>, runs <paramref name="test"/> with them, and closes them all.</summary>
    private static async Task WithPairsAsync(EpollLoop loop, int count, Func<List<(Socket Client, EpollWebSocket Server)>, Task> test)
    {
        var pairs = new List<(Socket Client, EpollWebSocket Server)>();
        try
        {
            for (var i = 0; i < count; i++) pairs.Add(await ConnectAsync(loop, TimeSpan.Zero));
            await test(pairs);
        }
        finally
        {
            foreach (var (client, server) in pairs)
            {
                server.Dispose();
                client.Dispose();
            }
        }
    }

    /// <summary>A client's frame: masked (unless told not to), with the length in 7, 16 or 64 bits as it needs.</summary>
    private static byte[] Frame(int opcode, ReadOnlySpan<byte> payload, bool final = true, bool masked = true, int reserved = 0)
    {
        var header = new List<byte> { (byte)((final ? 0x80 : 0) | (reserved << 4) | opcode) };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length <= 125)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }
        var body = payload.ToArray();
        if (masked)
        {
            var mask = RandomNumberGenerator.GetBytes(4);
            header.AddRange(mask);
            for (var i = 0; i < body.Length; i++) body[i] ^= mask[i % 4];
        }
        return [.. header, .. body];
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] ClosePayload(int status, string reason = "")
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }

    private Task SendAsync(params byte[][] frames) => _client.SendAsync(frames.SelectMany(f => f).ToArray()).WaitAsync(Within);

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var n = await _client.ReceiveAsync(buffer.AsMemory(read)).AsTask().WaitAsync(Within);
            if (n == 0) throw new EndOfStreamException($"the server closed after {read} of {count} bytes");
            read += n;
        }
        return buffer;
    }

    /// <summary>The server's next frame: unmasked, as a server's must be.</summary>
    private async Task<(int Opcode, bool Final, byte[] Payload)> ReadFrameAsync()
    {
        var head = await ReadExactlyAsync(2);
        Assert.Equal(0, head[1] & 0x80);
        long length = head[1] & 0x7F;
        if (length == 126) length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2));
        else if (length == 127) length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8));
        return (head[0] & 0x0F, (head[0] & 0x80) != 0, await ReadExactlyAsync((int)length));
    }

    private async Task<(ValueWebSocketReceiveResult Result, byte[] Bytes)> ReceiveAsync(int bufferBytes = 1024)
    {
        var buffer = new byte[bufferBytes];
        var result = await _server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Within);
        return (result, buffer[..result.Count]);
    }

    private async Task<byte[]> ReceiveMessageAsync(int bufferBytes = 1024)
    {
        var message = new List<byte>();
        while (true)
        {
            var (result, bytes) = await ReceiveAsync(bufferBytes);
            message.AddRange(bytes);
            if (result.EndOfMessage) return [.. message];
        }
    }

    [EpollFact]
    public async Task A_receive_made_before_the_bytes_arrive_completes_when_they_do()
    {
        var buffer = new byte[64];
        var receive = _server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        Assert.False(receive.IsCompleted);

        await SendAsync(Frame(1, Utf8("""{"type":"input"}""")));

        var result = await receive.AsTask().WaitAsync(Within);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        Assert.Equal("""{"type":"input"}""", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [EpollFact]
    public async Task Messages_sent_together_and_byte_by_byte_arrive_whole_and_in_order()
    {
        await SendAsync(Frame(1, Utf8("one")), Frame(2, [1, 2, 3]), Frame(1, Utf8("three")));
        foreach (var b in Frame(1, Utf8(new string('x', 300))))
        {
            await SendAsync([b]);
        }

        Assert.Equal("one", Encoding.UTF8.GetString(await ReceiveMessageAsync()));
        Assert.Equal([1, 2, 3], await ReceiveMessageAsync());
        Assert.Equal("three", Encoding.UTF8.GetString(await ReceiveMessageAsync()));
        Assert.Equal(new string('x', 300), Encoding.UTF8.GetString(await ReceiveMessageAsync()));
    }

    [EpollFact]
    public async Task A_message_in_fragments_with_a_ping_between_them_is_read_in_pieces_and_the_ping_answered()
    {
        await SendAsync(Frame(1, Utf8("hel"), final: false), Frame(9, Utf8("are you there")), Frame(0, Utf8("lo"), final: true));

        var (first, firstBytes) = await ReceiveAsync();
        Assert.False(first.EndOfMessage);
        Assert.Equal("hel", Encoding.UTF8.GetString(firstBytes));
        var (second, secondBytes) = await ReceiveAsync();
        Assert.True(second.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, second.MessageType);
        Assert.Equal("lo", Encoding.UTF8.GetString(secondBytes));

        var pong = await ReadFrameAsync();
        Assert.Equal((10, true), (pong.Opcode, pong.Final));
        Assert.Equal("are you there", Encoding.UTF8.GetString(pong.Payload));
    }

    [EpollFact]
    public async Task A_message_larger_than_the_read_ahead_and_the_caller_buffer_arrives_whole()
    {
        var payload = RandomNumberGenerator.GetBytes(70_000); // a 64-bit length
        await SendAsync(Frame(2, payload));

        Assert.Equal(payload, await ReceiveMessageAsync(bufferBytes: 1000));
    }

    [EpollFact]
    public async Task Sends_use_the_shortest_length_and_are_unmasked()
    {
        foreach (var size in new[] { 0, 125, 126, 65_535, 65_536 })
        {
            var payload = RandomNumberGenerator.GetBytes(size);
            await _server.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            var frame = await ReadFrameAsync();
            Assert.Equal((2, true), (frame.Opcode, frame.Final));
            Assert.Equal(payload, frame.Payload);
        }

        await _server.SendAsync(Utf8("ab"), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await _server.SendAsync(Utf8("c"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var first = await ReadFrameAsync();
        var second = await ReadFrameAsync();
        Assert.Equal((1, false, "ab"), (first.Opcode, first.Final, Encoding.UTF8.GetString(first.Payload)));
        Assert.Equal((0, true, "c"), (second.Opcode, second.Final, Encoding.UTF8.GetString(second.Payload)));
    }

    [EpollFact]
    public async Task A_send_the_kernel_cannot_take_waits_for_the_reader_and_nothing_is_lost_or_reordered()
    {
        var sent = new List<byte[]>();
        ValueTask waiting = default;
        for (var i = 0; i < 10_000; i++)
        {
            var payload = RandomNumberGenerator.GetBytes(16_384);
            sent.Add(payload);
            waiting = _server.SendAsync(payload.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            if (!waiting.IsCompleted) break;
        }
        Assert.False(waiting.IsCompleted, "the kernel took 160 MB without the client reading");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _server.SendAsync(Utf8("x").AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None));

        foreach (var payload in sent)
        {
            Assert.Equal(payload, (await ReadFrameAsync()).Payload);
        }
        await waiting.AsTask().WaitAsync(Within);
    }

    private static SendBatches Batches(bool ioUring = true) =>
        new(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { IoUring = ioUring }), NullLogger<SendBatches>.Instance);

    /// <summary>Records how each batched send went.</summary>
    private sealed class SendOwner : IBatchedSendOwner
    {
        public List<ValueTask> Sent { get; } = [];

        public void OnBatchedSend(ValueTask sent) => Sent.Add(sent);
    }

    [EpollFact]
    public async Task A_send_batch_sends_each_frame_to_its_sockets_in_one_call_as_SendAsync_would()
    {
        using var batches = Batches();
        await WithPairsAsync(_loop, 4, async others =>
        {
            var text = new OutgoingFrame(Utf8("""{"type":"map"}"""), WebSocketMessageType.Text);
            var binary = new OutgoingFrame(RandomNumberGenerator.GetBytes(300), WebSocketMessageType.Binary); // a 16-bit length
            var owner = new SendOwner();
            var batch = batches.Rent();
            Assert.NotNull(batch);
            Assert.True(batch.TryAdd(_server, text, owner));
            Assert.True(batch.TryAdd(others[0].Server, text, owner));
            Assert.True(batch.TryAdd(others[1].Server, binary, owner));
            Assert.True(batch.TryAdd(others[2].Server, text, owner));
            others[3].Server.Dispose();
            Assert.False(batch.TryAdd(others[3].Server, text, owner)); // closed: not queued
            batch.Flush();

            Assert.Equal(4, owner.Sent.Count);
            Assert.All(owner.Sent, sent => Assert.True(sent.IsCompletedSuccessfully));
            var first = await ReadFrameAsync();
            Assert.Equal((1, true), (first.Opcode, first.Final));
            Assert.Equal(text.Payload.ToArray(), first.Payload);
            foreach (var (client, frame) in new[] { (others[0].Client, text), (others[1].Client, binary), (others[2].Client, text) })
            {
                var bytes = new byte[EpollWebSocket.FrameLength(frame.Payload.Length)];
                for (var read = 0; read < bytes.Length;) read += await client.ReceiveAsync(bytes.AsMemory(read)).AsTask().WaitAsync(Within);
                var expected = new byte[bytes.Length];
                EpollWebSocket.WriteFrame(frame.Payload.Span, frame.MessageType, expected);
                Assert.Equal(expected, bytes);
            }
            // The sockets are idle again: a send of their own goes at once.
            await _server.SendAsync(Utf8("after"), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Within);
            Assert.Equal(Utf8("after"), (await ReadFrameAsync()).Payload);
        });
    }

    [EpollFact]
    public async Task A_batched_send_the_kernel_cannot_take_waits_for_the_reader_and_the_socket_takes_no_batch_meanwhile()
    {
        using var batches = Batches();
        var owner = new SendOwner();
        var sent = new List<byte[]>();
        for (var i = 0; i < 10_000 && (owner.Sent.Count == 0 || owner.Sent[^1].IsCompleted); i++)
        {
            var payload = RandomNumberGenerator.GetBytes(60_000);
            sent.Add(payload);
            var batch = batches.Rent()!;
            Assert.True(batch.TryAdd(_server, new OutgoingFrame(payload, WebSocketMessageType.Binary), owner));
            batch.Flush();
        }
        var waiting = owner.Sent[^1];
        Assert.False(waiting.IsCompleted, "the kernel took 600 MB without the client reading");

        // Busy: the socket's rest waits for the writable edge, so a batch leaves it to SendAsync, which says it waits.
        var next = batches.Rent()!;
        Assert.False(next.TryAdd(_server, new OutgoingFrame(Utf8("x"), WebSocketMessageType.Text), owner));
        next.Flush();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _server.SendAsync(Utf8("x").AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None));

        foreach (var payload in sent)
        {
            Assert.Equal(payload, (await ReadFrameAsync()).Payload);
        }
        await waiting.AsTask().WaitAsync(Within);
        Assert.All(owner.Sent, s => Assert.True(s.IsCompletedSuccessfully));
    }

    [EpollFact]
    public void Send_batches_are_off_where_io_uring_is_not_wanted()
    {
        using var off = Batches(ioUring: false);
        Assert.Null(off.Rent());
        using var noLoops = new SendBatches(Microsoft.Extensions.Options.Options.Create(new GatewayOptions { IoThreads = 0 }), NullLogger<SendBatches>.Instance);
        Assert.Null(noLoops.Rent());
    }

    public static TheoryData<string, byte[], int> Violations() => new()
    {
        { "unmasked", Frame(1, Utf8("hi"), masked: false), 1002 },
        { "reserved bit", Frame(1, Utf8("hi"), reserved: 4), 1002 },
        { "unknown data opcode", Frame(3, Utf8("hi")), 1002 },
        { "unknown control opcode", Frame(11, []), 1002 },
        { "continuation first", Frame(0, Utf8("hi")), 1002 },
        { "fragmented ping", Frame(9, Utf8("p"), final: false), 1002 },
        { "ping over 125 bytes", Frame(9, new byte[126]), 1002 },
        { "close status 1005", Frame(8, ClosePayload(1005)), 1002 },
        { "close of one byte", Frame(8, [3]), 1002 },
        { "new message inside another", [.. Frame(1, Utf8("a"), final: false), .. Frame(1, Utf8("b"))], 1002 },
        { "invalid UTF-8", Frame(1, [0x7B, 0xC0, 0x80, 0x7D]), 1007 },
        { "UTF-8 cut at the end", Frame(1, [0x61, 0xE2, 0x82]), 1007 },
        { "invalid UTF-8 split over frames", [.. Frame(1, [0x61, 0xED], final: false), .. Frame(0, [0xA0, 0x80])], 1007 },
    };

    [EpollTheory]
    [MemberData(nameof(Violations))]
    public async Task A_frame_that_breaks_the_protocol_fails_the_connection_with_the_status_for_it(string what, byte[] bytes, int status)
    {
        await SendAsync(bytes);
        await AssertFailedWithCloseAsync(what, status);
    }

    /// <summary>
    /// Receives (after <paramref name="waiting"/>, a receive already made, if any) until the WebSocket fails for a broken
    /// frame, and checks the close frame it sent for it: <paramref name="status"/>.
    /// </summary>
    private async Task AssertFailedWithCloseAsync(string what, int status, Task? waiting = null)
    {
        var failed = await Assert.ThrowsAsync<WebSocketException>(async () =>
        {
            if (waiting is not null) await waiting.WaitAsync(Within);
            while (true) await ReceiveAsync();
        });
        Assert.Equal(WebSocketError.Faulted, failed.WebSocketErrorCode);
        var close = await ReadFrameAsync();
        Assert.True(close.Opcode == 8, what);
        Assert.Equal(status, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
        Assert.Equal(WebSocketState.Aborted, _server.State);
    }

    [EpollTheory]
    [MemberData(nameof(Violations))]
    public async Task A_frame_that_breaks_the_protocol_fails_the_connection_the_same_while_a_message_sink_and_a_receive_wait(string what, byte[] bytes, int status)
    {
        // Read on the loop's thread with the receive waiting, where a small whole message is offered to the sink in place.
        _server.MessageSink = new PrefixSink("");
        var receive = _server.ReceiveAsync(new byte[1024].AsMemory(), CancellationToken.None).AsTask();
        await SendAsync(bytes);
        await AssertFailedWithCloseAsync(what, status, receive);
    }

    [EpollFact]
    public async Task A_character_split_over_frames_and_reads_is_valid_text()
    {
        var text = Utf8("aé€😀z");
        for (var cut = 1; cut < text.Length; cut++)
        {
            await SendAsync(Frame(1, text.AsSpan(0, cut), final: false), Frame(0, text.AsSpan(cut)));
            Assert.Equal(text, await ReceiveMessageAsync(bufferBytes: 3));
        }
    }

    [EpollFact]
    public async Task The_clients_close_is_reported_and_answered()
    {
        await SendAsync(Frame(8, ClosePayload(1000, "bye")));

        var (result, _) = await ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, _server.CloseStatus);
        Assert.Equal("bye", _server.CloseStatusDescription);
        Assert.Equal(WebSocketState.CloseReceived, _server.State);

        await _server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "ok", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, _server.State);
        var close = await ReadFrameAsync();
        Assert.Equal(8, close.Opcode);
        Assert.Equal(ClosePayload(1000, "ok"), close.Payload);
    }

    [EpollFact]
    public async Task After_the_servers_close_no_message_is_sent_and_the_clients_close_completes_it()
    {
        await _server.CloseOutputAsync((WebSocketCloseStatus)4001, "resumed elsewhere", CancellationToken.None);
        Assert.Equal(WebSocketState.CloseSent, _server.State);
        await Assert.ThrowsAsync<WebSocketException>(async () => await _server.SendAsync(Utf8("late"), WebSocketMessageType.Text, true, CancellationToken.None));
        Assert.Equal(ClosePayload(4001, "resumed elsewhere"), (await ReadFrameAsync()).Payload);

        await SendAsync(Frame(1, Utf8("still read")), Frame(8, []));
        Assert.Equal("still read", Encoding.UTF8.GetString(await ReceiveMessageAsync()));
        var (result, _) = await ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.Empty, _server.CloseStatus);
        Assert.Equal(WebSocketState.Closed, _server.State);
    }

    [EpollFact]
    public async Task A_stream_that_ends_without_a_close_frame_is_a_lost_connection()
    {
        await SendAsync(Frame(1, Utf8("last"), final: false));
        _client.Shutdown(SocketShutdown.Send);

        await ReceiveAsync();
        var lost = await Assert.ThrowsAsync<WebSocketException>(() => ReceiveAsync());
        Assert.Equal(WebSocketError.ConnectionClosedPrematurely, lost.WebSocketErrorCode);
    }

    [EpollFact]
    public async Task Aborting_fails_the_waiting_receive_and_closes_the_socket()
    {
        var receive = ReceiveAsync();
        Assert.False(receive.IsCompleted);

        _server.Abort();

        await Assert.ThrowsAsync<WebSocketException>(() => receive);
        Assert.Equal(WebSocketState.Aborted, _server.State);
        Assert.Equal(0, await _client.ReceiveAsync(new byte[1].AsMemory()).AsTask().WaitAsync(Within)); // the server's end of stream
        Assert.Equal(0, _loop.Count);
    }

    [EpollFact]
    public async Task A_paced_loop_serves_every_socket_that_became_ready_while_it_slept_in_order()
    {
        // A poll interval far longer than the gateway's 1 ms, so that many sockets and several messages each are ready
        // at every wait: the loop's sleep must lose no readiness edge, and each socket's messages keep their order.
        using var loop = new EpollLoop("paced epoll", TimeSpan.FromMilliseconds(10), NullLogger.Instance, batchReadsFrom: BatchReadsFrom);
        await WithPairsAsync(loop, 20, async pairs =>
        {
            for (var round = 0; round < 5; round++)
            {
                for (var i = 0; i < pairs.Count; i++)
                {
                    await pairs[i].Client.SendAsync(Frame(1, Utf8($"{i}:{round}"))).WaitAsync(Within);
                }
            }
            for (var i = 0; i < pairs.Count; i++)
            {
                var received = new List<string>();
                var buffer = new byte[64];
                for (var round = 0; round < 5; round++)
                {
                    var result = await pairs[i].Server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(Within);
                    Assert.True(result.EndOfMessage);
                    received.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
                }
                Assert.Equal(Enumerable.Range(0, 5).Select(round => $"{i}:{round}"), received);
            }
        });
    }

    [EpollFact]
    public async Task Sockets_ready_in_one_pass_with_their_receives_waiting_each_get_their_messages_in_order()
    {
        // Twenty receives wait, then twenty clients write within one 10 ms pass: with a ring, their reads are one batch.
        using var loop = new EpollLoop("batch epoll", TimeSpan.FromMilliseconds(10), NullLogger.Instance, batchReadsFrom: BatchReadsFrom);
        await WithPairsAsync(loop, 20, async pairs =>
        {
            var buffers = pairs.Select(_ => new byte[64]).ToArray();
            for (var round = 0; round < 3; round++)
            {
                var receives = pairs.Select((pair, i) => pair.Server.ReceiveAsync(buffers[i].AsMemory(), CancellationToken.None).AsTask()).ToArray();
                for (var i = 0; i < pairs.Count; i++)
                {
                    // Two messages in one write: the second is read ahead with the first and waits for the next receive.
                    await pairs[i].Client.SendAsync(Frame(1, Utf8($"{i}:{round}:a")).Concat(Frame(1, Utf8($"{i}:{round}:b"))).ToArray()).WaitAsync(Within);
                }
                for (var i = 0; i < pairs.Count; i++)
                {
                    var first = await receives[i].WaitAsync(Within);
                    Assert.Equal($"{i}:{round}:a", Encoding.UTF8.GetString(buffers[i], 0, first.Count));
                    var second = await pairs[i].Server.ReceiveAsync(buffers[i].AsMemory(), CancellationToken.None).AsTask().WaitAsync(Within);
                    Assert.Equal($"{i}:{round}:b", Encoding.UTF8.GetString(buffers[i], 0, second.Count));
                }
            }
            // Waiting receives and ready sockets in every pass: with a ring, every read went through it.
            Assert.Equal(BatchReadsFrom > 0, loop.BatchesReads);
            Assert.Equal(BatchReadsFrom > 0, loop.BatchedReads >= 20);
        });
    }

    [EpollFact]
    public async Task A_message_sink_takes_the_whole_messages_it_accepts_and_the_waiting_receive_gets_the_rest_in_order()
    {
        var sink = new PrefixSink("sink:");
        _server.MessageSink = sink;
        var buffer = new byte[16];
        var receive = _server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);

        // Taken by the sink on the loop's thread; the receive goes on waiting.
        await SendAsync(Frame(1, Utf8("sink:1")), Frame(1, Utf8("sink:2")));
        await Eventually.Until(() => sink.Taken.Count == 2, Within, "the sink to take two messages");
        Assert.Equal(["sink:1", "sink:2"], sink.Taken.Select(t => t.Text));
        Assert.All(sink.Taken, t => Assert.Equal("test epoll", t.Thread));
        Assert.False(receive.IsCompleted);

        // Declined: the receive gets it, whole.
        await SendAsync(Frame(1, Utf8("keep:3")));
        var result = await receive.AsTask().WaitAsync(Within);
        Assert.Equal("keep:3", Encoding.UTF8.GetString(buffer, 0, result.Count));
        Assert.True(result.EndOfMessage);

        // A binary message the sink declines, behind one it takes in the same read: unmasked, whole, in order.
        receive = _server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        await SendAsync(Frame(1, Utf8("sink:b")), Frame(2, [1, 2, 3, 250]));
        result = await receive.AsTask().WaitAsync(Within);
        Assert.Equal((WebSocketMessageType.Binary, true), (result.MessageType, result.EndOfMessage));
        Assert.Equal(new byte[] { 1, 2, 3, 250 }, buffer[..result.Count]);

        // Not offered: a message in two frames, and one longer than the waiting receive's buffer.
        receive = _server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        await SendAsync(Frame(1, Utf8("sink:"), final: false), Frame(0, Utf8("4")));
        result = await receive.AsTask().WaitAsync(Within);
        Assert.Equal(("sink:", false), (Encoding.UTF8.GetString(buffer, 0, result.Count), result.EndOfMessage));
        Assert.Equal("4", Encoding.UTF8.GetString(await ReceiveMessageAsync()));
        receive = _server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        await SendAsync(Frame(1, Utf8("sink:0123456789ab")));
        result = await receive.AsTask().WaitAsync(Within);
        Assert.Equal(("sink:0123456789a", false), (Encoding.UTF8.GetString(buffer, 0, result.Count), result.EndOfMessage));
        Assert.Equal("b", Encoding.UTF8.GetString(await ReceiveMessageAsync()));

        // After what the sink took, the peer's close still reaches the receive.
        receive = _server.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        await SendAsync(Frame(1, Utf8("sink:5")), Frame(8, ClosePayload(1000)));
        result = await receive.AsTask().WaitAsync(Within);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(["sink:1", "sink:2", "sink:b", "sink:5"], sink.Taken.Select(t => t.Text));
    }

    /// <summary>Takes the whole text messages that start with a prefix, noting the text and the thread it was called on.</summary>
    private sealed class PrefixSink(string prefix) : IMessageSink
    {
        public System.Collections.Concurrent.ConcurrentQueue<(string Text, string? Thread)> Taken { get; } = new();

        public bool TryHandleNow(ReadOnlySpan<byte> message, WebSocketMessageType type)
        {
            var text = Encoding.UTF8.GetString(message);
            if (type != WebSocketMessageType.Text || !text.StartsWith(prefix, StringComparison.Ordinal)) return false;
            Taken.Enqueue((text, Thread.CurrentThread.Name));
            return true;
        }
    }

    [EpollFact]
    public async Task An_idle_connection_gets_a_keep_alive_pong()
    {
        var (client, server) = await ConnectAsync(_loop, TimeSpan.FromMilliseconds(100));
        using (client)
        using (server)
        {
            var head = new byte[2];
            Assert.Equal(2, await client.ReceiveAsync(head.AsMemory()).AsTask().WaitAsync(Within)); // the loop's sweep runs each second
            Assert.Equal(new byte[] { 0x8A, 0x00 }, head);
        }
    }
}

/// <summary>A fact that needs epoll (Linux on x86-64 or arm64), skipped elsewhere.</summary>
public sealed class EpollFactAttribute : FactAttribute
{
    public EpollFactAttribute()
    {
        if (!LinuxSockets.IsSupported) Skip = "needs epoll: Linux on x86-64 or arm64";
    }
}

/// <summary>A theory that needs epoll (Linux on x86-64 or arm64), skipped elsewhere.</summary>
public sealed class EpollTheoryAttribute : TheoryAttribute
{
    public EpollTheoryAttribute()
    {
        if (!LinuxSockets.IsSupported) Skip = "needs epoll: Linux on x86-64 or arm64";
    }
}

/// <summary><see cref="Utf8Validator"/>: UTF-8 checked in pieces that may cut a character anywhere.</summary>
public sealed class Utf8ValidatorTests
{
    [Fact]
    public void Every_cut_of_valid_text_into_three_pieces_is_valid()
    {
        var text = Encoding.UTF8.GetBytes("aé€😀z");
        for (var i = 0; i <= text.Length; i++)
        {
            for (var j = i; j <= text.Length; j++)
            {
                var validator = default(Utf8Validator);
                Assert.True(validator.Validate(text.AsSpan(0, i), final: false), $"{i}");
                Assert.True(validator.Validate(text.AsSpan(i, j - i), final: false), $"{i},{j}");
                Assert.True(validator.Validate(text.AsSpan(j), final: true), $"{i},{j} end");
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]              // overlong
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]        // a surrogate
    [InlineData(new byte[] { 0xF5, 0x80, 0x80, 0x80 })]  // past U+10FFFF
    [InlineData(new byte[] { 0x80 })]                    // a continuation alone
    [InlineData(new byte[] { 0xE2, 0x82 })]              // cut at the end
    public void Invalid_text_is_found_in_whole_and_in_every_cut(byte[] bad)
    {
        byte[] text = [0x61, .. bad, 0x62];
        if (bad.Length == 2 && bad[0] == 0xE2) text = [0x61, .. bad]; // the cut one must end the message
        var whole = default(Utf8Validator);
        Assert.False(whole.Validate(text, final: true));
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var validator = default(Utf8Validator);
            var valid = validator.Validate(text.AsSpan(0, cut), final: false) && validator.Validate(text.AsSpan(cut), final: true);
            Assert.False(valid, $"cut at {cut}");
        }
    }
}

/// <summary>
/// Every test of <see cref="EpollWebSocketTests"/> again with each readable edge's first <c>recv</c> made in the loop's
/// io_uring batch (<see cref="IEpollBatchReader"/>), as the gateway's loops make them when two or more sockets are ready.
/// </summary>
public sealed class EpollWebSocketBatchedReadTests : EpollWebSocketTests
{
    /// <summary>1: every readable edge's read goes through the ring.</summary>
    protected override int BatchReadsFrom => 1;
}
