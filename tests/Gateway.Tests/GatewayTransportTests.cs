using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Game.Gateway.Connections;
using Game.Gateway.Tests.Fakes;
using Game.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Game.Gateway.Tests;

/// <summary>
/// <see cref="GatewayTransport"/>: the gateway's own transport, which serves <c>/ws</c> upgrades on the socket and hands
/// every other connection to Kestrel, and <see cref="UpgradeRequest"/>, its parser. Whatever it does not take must reach
/// HTTP with every byte intact.
/// </summary>
public sealed class GatewayTransportTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ=="; // RFC 6455, section 1.3
    private const string Accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static string Upgrade(string target = "/ws", string extra = "")
        => $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
           $"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n{extra}\r\n";

    private static UpgradeVerdict Parse(string text, out UpgradeRequest request, out int headerBytes)
        => UpgradeRequest.Parse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), out request, out headerBytes);

    [Fact]
    public void A_websocket_upgrade_of_ws_is_read_with_its_host_origin_key_and_length()
    {
        var text = Upgrade("/ws?x=1", "Origin: http://127.0.0.1:5000\r\nUser-Agent: test\r\n");
        Assert.Equal(UpgradeVerdict.Upgrade, Parse(text + "\x81\x85", out var request, out var headerBytes));
        Assert.Equal(text.Length, headerBytes);
        Assert.Equal("127.0.0.1:5000", request.Host);
        Assert.Equal("http://127.0.0.1:5000", request.Origin);
        Assert.Equal(1, request.OriginCount);
        Assert.Equal(Accept, request.AcceptKey());
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", Encoding.ASCII.GetString(request.SwitchingProtocols()));
        Assert.Contains($"\r\nSec-WebSocket-Accept: {Accept}\r\n", Encoding.ASCII.GetString(request.SwitchingProtocols()));
    }

    [Fact]
    public void Every_prefix_of_an_upgrade_needs_more_and_any_split_into_segments_reads_the_same()
    {
        var bytes = Encoding.ASCII.GetBytes(Upgrade());
        for (var n = 0; n < bytes.Length; n++)
        {
            Assert.Equal(UpgradeVerdict.NeedMore, UpgradeRequest.Parse(new ReadOnlySequence<byte>(bytes, 0, n), out _, out _));
        }
        for (var split = 1; split < bytes.Length; split++)
        {
            var first = new Segment(bytes.AsMemory(0, split));
            var last = first.Append(bytes.AsMemory(split));
            Assert.Equal(UpgradeVerdict.Upgrade, UpgradeRequest.Parse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), out var request, out var headerBytes));
            Assert.Equal(bytes.Length, headerBytes);
            Assert.Equal(Key, request.Key);
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET /wsx HTTP/1.1\r\n")]
    [InlineData("GET /ws/ HTTP/1.1\r\n")]
    [InlineData("POST /ws HTTP/1.1\r\n")]
    [InlineData("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")] // a TLS ClientHello
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]              // HTTP/2 with prior knowledge
    public void Other_requests_are_not_ours_as_soon_as_their_first_bytes_say_so(string text)
        => Assert.Equal(UpgradeVerdict.NotOurs, Parse(text, out _, out _));

    [Theory]
    [InlineData("GET /ws HTTP/1.0\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")] // no Host
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n\r\n")] // 5 bytes, not 16
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n")] // no key
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\nContent-Length: 3\r\n\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade : websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")] // space before the colon
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n  folded\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n")]
    public void Upgrades_that_are_incomplete_or_malformed_are_left_to_http(string text)
        => Assert.Equal(UpgradeVerdict.NotOurs, Parse(text, out _, out _));

    [Fact]
    public void Header_lists_and_names_are_read_in_any_case()
    {
        var text = $"GET /ws HTTP/1.1\r\nhost: a\r\nCONNECTION: keep-alive, Upgrade\r\nupgrade: WebSocket\r\nsec-websocket-version: 13\r\nSEC-WEBSOCKET-KEY:{Key}\r\n\r\n";
        Assert.Equal(UpgradeVerdict.Upgrade, Parse(text, out var request, out _));
        Assert.Equal(Key, request.Key);
    }

    [Fact]
    public void A_header_block_longer_than_the_limit_is_left_to_http()
    {
        var text = "GET /ws HTTP/1.1\r\nHost: a\r\nX-Long: " + new string('a', UpgradeRequest.MaxHeaderBytes);
        Assert.Equal(UpgradeVerdict.NotOurs, Parse(text, out _, out _));
    }

    [Fact]
    public async Task An_upgrade_sent_in_pieces_is_accepted_directly_and_a_frame_sent_with_it_is_read()
    {
        await using var gateway = await FakeGateway.StartAsync();
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        var request = Encoding.ASCII.GetBytes(Upgrade());
        var hello = ClientFrame("""{"type":"hello","name":"Raw"}""");
        // The request in three writes, the last one with the first WebSocket frame right behind the blank line.
        await stream.WriteAsync(request.AsMemory(0, 7));
        await Task.Delay(50);
        await stream.WriteAsync(request.AsMemory(7, 40));
        await Task.Delay(50);
        await stream.WriteAsync(request.Skip(47).Concat(hello).ToArray());

        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101 ", head);
        Assert.Contains($"Sec-WebSocket-Accept: {Accept}", head);
        Assert.DoesNotContain("Server: Kestrel", head); // Kestrel's HTTP layer would have said so
        var welcome = await ReadTextFrameAsync(stream);
        Assert.Contains("\"type\":\"welcome\"", welcome);
    }

    [EpollFact]
    public async Task A_players_socket_is_served_by_an_epoll_loop_until_it_closes()
    {
        await using var gateway = await FakeGateway.StartAsync();
        var loops = gateway.Services.GetRequiredService<Connections.Epoll.EpollLoops>();
        var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        await UpgradeWithHelloAsync(stream);
        Assert.Equal(1, loops.Count);

        tcp.Dispose();
        await Eventually.Until(() => loops.Count == 0, Eventually.Deadline, "the closed socket leaves its loop");
    }

    [Fact]
    public async Task With_no_io_threads_a_player_runs_on_dotnets_websocket()
    {
        await using var gateway = await FakeGateway.StartAsync(b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:IoThreads"] = "0" }));
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        Assert.DoesNotContain("Server: Kestrel", await UpgradeWithHelloAsync(stream));
        Assert.Equal(0, gateway.Services.GetRequiredService<Connections.Epoll.EpollLoops>().Count);
    }

    [Fact]
    public async Task With_direct_upgrades_off_the_same_upgrade_goes_through_http()
    {
        await using var gateway = await FakeGateway.StartAsync(b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:DirectUpgrade"] = "false" }));
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        Assert.Contains("Server: Kestrel", await UpgradeWithHelloAsync(stream));
    }

    /// <summary>Sends an upgrade of <c>/ws</c> with a <c>hello</c> right behind it; returns the response's head, the <c>welcome</c> having been read.</summary>
    private static async Task<string> UpgradeWithHelloAsync(NetworkStream stream)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Upgrade()).Concat(ClientFrame("""{"type":"hello","name":"Raw"}""")).ToArray());
        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101 ", head);
        Assert.Contains("\"type\":\"welcome\"", await ReadTextFrameAsync(stream));
        return head;
    }

    [Fact]
    public async Task A_request_it_read_part_of_before_giving_up_reaches_http_whole()
    {
        await using var gateway = await FakeGateway.StartAsync();
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        // Starts like an upgrade, so the transport peeks on; then turns out to be a plain GET of /ws.
        await stream.WriteAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());
        await Task.Delay(100);
        await stream.WriteAsync("Accept: */*\r\n\r\n"u8.ToArray());

        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 400 ", head); // GatewayEndpoints: "WebSocket endpoint: connect with ws://"
    }

    [Fact]
    public async Task Other_paths_and_an_upgrade_after_them_on_the_same_connection_are_http_s()
    {
        await using var gateway = await FakeGateway.StartAsync();
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        var health = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 200 ", health);
        var length = int.Parse(health.Split("\r\n").First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
        await ReadExactlyAsync(stream, length);

        await stream.WriteAsync(Encoding.ASCII.GetBytes(Upgrade()));
        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101 ", head);
        Assert.Contains("Server: Kestrel", head);
    }

    [Fact]
    public async Task Headers_not_complete_within_kestrels_header_timeout_are_handed_to_http()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await FakeGateway.StartAsync(b => b.Services.AddSingleton<TimeProvider>(time));
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        var request = Encoding.ASCII.GetBytes(Upgrade());
        await stream.WriteAsync(request.AsMemory(0, 20));
        await Task.Delay(100); // the transport is waiting for the rest
        time.Advance(TimeSpan.FromSeconds(31)); // Kestrel's RequestHeadersTimeout is 30 s
        await Task.Delay(100);
        await stream.WriteAsync(request.AsMemory(20));

        var head = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101 ", head);
        Assert.Contains("Server: Kestrel", head); // HTTP finished the upgrade
    }

    [Fact]
    public async Task Clients_that_reset_during_or_right_after_the_upgrade_leave_no_place_taken()
    {
        await using var gateway = await FakeGateway.StartAsync();
        var admission = gateway.Services.GetRequiredService<ConnectionAdmission>();
        var request = Encoding.ASCII.GetBytes(Upgrade());
        foreach (var sent in new[] { 20, request.Length })
        {
            using var tcp = await RawAsync(gateway);
            await tcp.GetStream().WriteAsync(request.AsMemory(0, sent));
            await Task.Delay(50);
            tcp.Client.LingerState = new LingerOption(true, 0); // close with a reset
            tcp.Close();
        }
        await Eventually.Until(() => admission.OpenFrom(System.Net.IPAddress.Loopback) == 0 && admission.Ungreeted == 0,
            TestClient.DefaultTimeout, "the reset connections' places being freed");

        using var next = await RawAsync(gateway); // and the gateway still upgrades
        await next.GetStream().WriteAsync(request);
        Assert.StartsWith("HTTP/1.1 101 ", await ReadHeadAsync(next.GetStream()));
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_at_first_is_served_by_http_once_it_speaks_after_the_header_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await FakeGateway.StartAsync(b => b.Services.AddSingleton<TimeProvider>(time));
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        await Task.Delay(100); // the transport is waiting for a first byte
        time.Advance(TimeSpan.FromSeconds(31));
        await Task.Delay(100);
        await stream.WriteAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());

        Assert.StartsWith("HTTP/1.1 200 ", await ReadHeadAsync(stream));
    }

    [Fact]
    public async Task Bytes_that_are_not_http_reach_kestrel_whole()
    {
        await using var gateway = await FakeGateway.StartAsync();
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        await stream.WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n' }); // a TLS record's start

        Assert.StartsWith("HTTP/1.1 400 ", await ReadHeadAsync(stream)); // Kestrel's answer to a malformed request line
    }

    [Fact]
    public async Task Connections_reset_as_soon_as_they_open_leave_the_listener_accepting()
    {
        await using var gateway = await FakeGateway.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            using var tcp = new TcpClient { LingerState = new System.Net.Sockets.LingerOption(true, 0) };
            await tcp.ConnectAsync(gateway.Address.Host, gateway.Address.Port);
            tcp.Close(); // a reset, before or while the transport accepts and peeks
        }

        using var next = await RawAsync(gateway);
        await next.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Upgrade()));
        Assert.StartsWith("HTTP/1.1 101 ", await ReadHeadAsync(next.GetStream()));
    }

    [Fact]
    public async Task Stopping_the_gateway_closes_directly_served_players_with_1001_and_ends()
    {
        var gateway = await FakeGateway.StartAsync();
        using var tcp = await RawAsync(gateway);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Upgrade()).Concat(ClientFrame("""{"type":"hello","name":"Raw"}""")).ToArray());
        Assert.StartsWith("HTTP/1.1 101 ", await ReadHeadAsync(stream));
        Assert.Contains("\"type\":\"welcome\"", await ReadTextFrameAsync(stream));

        var stop = gateway.DisposeAsync().AsTask();
        var close = await ReadFrameAsync(stream, 0x8);
        Assert.Equal(1001, (close[0] << 8) | close[1]);
        await stream.WriteAsync(ClientCloseFrame(1001)); // the client answers the close, as browsers do
        await stop.WaitAsync(TestClient.DefaultTimeout);
    }

    private static async Task<TcpClient> RawAsync(FakeGateway gateway)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.Address.Host, gateway.Address.Port);
        tcp.GetStream().ReadTimeout = (int)TestClient.DefaultTimeout.TotalMilliseconds;
        return tcp;
    }

    /// <summary>A masked text frame (clients must mask, RFC 6455 section 5.3), payload under 126 bytes.</summary>
    private static byte[] ClientFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        byte[] mask = [1, 2, 3, 4];
        var frame = new byte[6 + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        return frame;
    }

    /// <summary>Reads an HTTP response head, up to and including its blank line, byte by byte.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.True(await stream.ReadAsync(one, cts.Token) == 1, $"connection closed after: {head}");
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    /// <summary>Reads one unmasked server text frame (payload under 64 KiB) and returns its text.</summary>
    private static async Task<string> ReadTextFrameAsync(NetworkStream stream)
    {
        var (opcode, payload) = await ReadAnyFrameAsync(stream);
        Assert.Equal(0x1, opcode);
        return Encoding.UTF8.GetString(payload);
    }

    /// <summary>Reads server frames until one with <paramref name="opcode"/> (FIN set), skipping others, and returns its payload.</summary>
    private static async Task<byte[]> ReadFrameAsync(NetworkStream stream, int opcode)
    {
        while (true)
        {
            var (read, payload) = await ReadAnyFrameAsync(stream);
            if (read == opcode) return payload;
        }
    }

    /// <summary>Reads one unmasked, unfragmented server frame (payload under 64 KiB): its opcode and payload.</summary>
    private static async Task<(int Opcode, byte[] Payload)> ReadAnyFrameAsync(NetworkStream stream)
    {
        var header = await ReadExactlyAsync(stream, 2);
        Assert.Equal(0x80, header[0] & 0xf0); // FIN, no reserved bits
        int length = header[1] & 0x7f;
        if (length == 126)
        {
            var extended = await ReadExactlyAsync(stream, 2);
            length = (extended[0] << 8) | extended[1];
        }
        return (header[0] & 0x0f, await ReadExactlyAsync(stream, length));
    }

    /// <summary>A masked close frame with status <paramref name="status"/> and no reason.</summary>
    private static byte[] ClientCloseFrame(int status)
    {
        byte[] mask = [1, 2, 3, 4];
        byte[] payload = [(byte)(status >> 8), (byte)status];
        return [0x88, 0x82, .. mask, (byte)(payload[0] ^ mask[0]), (byte)(payload[1] ^ mask[1])];
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return buffer;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
