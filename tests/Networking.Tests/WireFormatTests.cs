using System.Buffers;
using System.Collections.Immutable;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Game.Grains.Interfaces;
using Game.Runtime;
using Game.Runtime.Catalog;
using Game.Runtime.Networking;
using Game.Runtime.Streams;

namespace Game.Networking.Tests;

public sealed class WireFormatTests
{
    [Fact]
    public void Every_room_event_round_trips_by_its_base_type_with_its_discriminator()
    {
        foreach (var sent in Samples.AllEvents)
        {
            var json = JsonSerializer.Serialize<RoomEvent>(sent, NetworkingJson.Options);
            Assert.StartsWith("{\"$e\":", json);
            var back = JsonSerializer.Deserialize<RoomEvent>(json, NetworkingJson.Options);
            Assert.IsType(sent.GetType(), back);
            // Same JSON again: every field survived (ImmutableArray compares by reference, JSON by value).
            Assert.Equal(json, JsonSerializer.Serialize(back, NetworkingJson.Options));
        }
    }

    [Fact]
    public void Records_with_constructors_immutable_collections_and_nulls_round_trip()
    {
        var joined = JsonSerializer.Deserialize<JoinResult>(JsonSerializer.Serialize(JoinResult.Ok(Samples.Joined), NetworkingJson.Options), NetworkingJson.Options)!;
        Assert.Null(joined.Error);
        Assert.Equal(Samples.Joined.Players.OrderBy(p => p.Key), joined.Joined!.Players.OrderBy(p => p.Key));
        Assert.IsType<ImmutableDictionary<string, PlayerProfile>>(joined.Joined.Players);

        var failed = JsonSerializer.Deserialize<JoinResult>(JsonSerializer.Serialize(JoinResult.Fail(ErrorCode.RoomFull, "full"), NetworkingJson.Options), NetworkingJson.Options)!;
        Assert.Equal(JoinResult.Fail(ErrorCode.RoomFull, "full"), failed);

        var input = new PlayerInput(3, 1.25, 0.5f, -0.75f, true);
        Assert.Equal(input, JsonSerializer.Deserialize<PlayerInput>(JsonSerializer.Serialize(input, NetworkingJson.Options), NetworkingJson.Options));
        Assert.Null(JsonSerializer.Deserialize<PlayerSession?>("null", NetworkingJson.Options));
        // A NaN in a snapshot does not break the stream.
        var odd = new RoomSnapshot("r", 1, 1, [new PlayerSnapshot("p", float.NaN, float.PositiveInfinity, 0, 0, 1, 0)]);
        var back = (RoomSnapshot)JsonSerializer.Deserialize<RoomEvent>(JsonSerializer.Serialize<RoomEvent>(odd, NetworkingJson.Options), NetworkingJson.Options)!;
        Assert.True(float.IsNaN(back.Players[0].X));
    }

    [Fact]
    public void A_stream_item_frame_is_read_back_whole_however_the_bytes_arrive()
    {
        var key = new StreamKey("Default", RoomStreams.For("r1"), typeof(RoomEvent).FullName!);
        var encoder = new FrameEncoder();
        var b = encoder.Buffer;
        b.Start(FrameKind.StreamItem);
        key.Write(b);
        var json = encoder.Json();
        JsonSerializer.Serialize<RoomEvent>(json, Samples.Snapshot, NetworkingJson.Options);
        json.Flush();
        var frame = b.Finish().ToArray();
        byte[] twoFrames = [.. frame, .. new PingFrame(FrameKind.Ping, 77).Encode(encoder)];

        for (var chunk = 1; chunk <= 16; chunk++)
        {
            var sequence = Chunked(twoFrames, chunk);
            Assert.True(FrameReader.TryReadFrame(ref sequence, 1 << 20, out var kind, out var payload), $"chunks of {chunk}: no first frame");
            Assert.Equal(FrameKind.StreamItem, kind);
            var reader = new FrameReader(payload.ToArray());
            Assert.Equal(key, StreamKey.Read(ref reader));
            var item = Assert.IsType<RoomSnapshot>(JsonSerializer.Deserialize<RoomEvent>(reader.Remaining, NetworkingJson.Options));
            Assert.Equal(Samples.Snapshot.Players.ToArray(), item.Players.ToArray());

            Assert.True(FrameReader.TryReadFrame(ref sequence, 1 << 20, out kind, out payload), $"chunks of {chunk}: no second frame");
            Assert.Equal(FrameKind.Ping, kind);
            Assert.Equal(77, new FrameReader(payload.ToArray()).ReadInt64());
            Assert.True(sequence.IsEmpty);
        }

        // A partial frame is left in the buffer for the next read.
        var partial = new ReadOnlySequence<byte>(frame.AsMemory(0, frame.Length - 1));
        Assert.False(FrameReader.TryReadFrame(ref partial, 1 << 20, out _, out _));
        Assert.Equal(frame.Length - 1, partial.Length);
    }

    [Fact]
    public void A_frame_over_the_size_limit_is_a_protocol_error()
    {
        var encoder = new FrameEncoder();
        encoder.Buffer.Start(FrameKind.Hello);
        encoder.Buffer.WriteString(new string('n', 200));
        var sequence = new ReadOnlySequence<byte>(encoder.Buffer.Finish().ToArray());
        Assert.Throws<InvalidDataException>(() => FrameReader.TryReadFrame(ref sequence, 100, out _, out _));
    }

    [Fact]
    public void Arguments_are_written_by_parameter_type_and_tokens_are_not_sent()
    {
        var types = GrainTypeManager.ForClasses([typeof(EchoGrain)]);
        var methods = types.GetInterface(typeof(IEchoGrain)).Methods;
        var length = MethodWireInfo.For(methods.Single(m => m.Name == nameof(IEchoGrain.Length)));
        var mirror = MethodWireInfo.For(methods.Single(m => m.Name == nameof(IEchoGrain.MirrorEvent)));

        var json = Write(w => length.WriteArguments(w, ["abc", new CancellationTokenSource().Token]));
        Assert.Equal("[\"abc\"]", json);
        var args = length.ReadArguments(Encoding.UTF8.GetBytes(json));
        Assert.Equal("abc", args[0]);
        Assert.Equal(CancellationToken.None, args[1]);

        // By the parameter's type (RoomEvent), so the discriminator is written and the subclass comes back.
        var eventJson = Write(w => mirror.WriteArguments(w, [new ChatEvent("p", "t", 1)]));
        Assert.Contains("\"$e\":\"chat\"", eventJson);
        Assert.Equal(new ChatEvent("p", "t", 1), mirror.ReadArguments(Encoding.UTF8.GetBytes(eventJson))[0]);

        Assert.Throws<JsonException>(() => length.ReadArguments("[]"u8));
        Assert.Throws<JsonException>(() => length.ReadArguments("[\"a\",\"b\"]"u8));
    }

    [Fact]
    public void The_receiving_silo_finds_overloads_by_parameter_count_and_rejects_unknown_methods()
    {
        var lookup = new GrainMethodLookup(GrainTypeManager.ForClasses([typeof(EchoGrain)]));
        var iface = Encoding.UTF8.GetBytes(typeof(IEchoGrain).FullName!);

        var (type, two) = lookup.Find("echo"u8, iface, "Add"u8, 2);
        Assert.Equal("echo", type);
        Assert.Equal(2, two.Method.GetParameters().Length);
        Assert.Equal(3, lookup.Find("echo"u8, iface, "Add"u8, 3).Method.Method.GetParameters().Length);
        Assert.Same(type, lookup.Find("echo"u8, iface, "Echo"u8, 1).GrainType); // the grain type string is shared, not re-allocated

        Assert.Throws<InvalidOperationException>(() => lookup.Find("echo"u8, iface, "Add"u8, 4));
        Assert.Throws<InvalidOperationException>(() => lookup.Find("echo"u8, "Some.Other.IGrain"u8, "Add"u8, 2));
        Assert.Throws<ArgumentException>(() => lookup.Find("nosuch"u8, iface, "Add"u8, 2));
    }

    [Fact]
    public void Remote_exceptions_keep_the_types_callers_catch()
    {
        Assert.IsType<SiloUnavailableException>(RemoteExceptions.Rehydrate(typeof(SiloUnavailableException).FullName!, "m"));
        Assert.IsType<ArgumentException>(RemoteExceptions.Rehydrate("System.ArgumentException", "m"));
        Assert.IsType<ArgumentNullException>(RemoteExceptions.Rehydrate("System.ArgumentNullException", "m"));
        Assert.IsType<InvalidOperationException>(RemoteExceptions.Rehydrate("System.InvalidOperationException", "m"));
        Assert.IsType<TimeoutException>(RemoteExceptions.Rehydrate("System.TimeoutException", "m"));
        var other = Assert.IsType<RemoteGrainException>(RemoteExceptions.Rehydrate("System.FormatException", "m"));
        Assert.Equal("System.FormatException", other.RemoteExceptionType);
        // Passed on again (a silo forwarding a failure) it keeps the original type name.
        Assert.Equal("System.FormatException", RemoteExceptions.TypeNameOf(other));
    }

    [Fact]
    public async Task A_silo_closes_a_connection_that_sends_an_oversized_frame()
    {
        await using var cluster = new TestCluster();
        var b = await cluster.StartSiloAsync(new() { ["Runtime:Networking:MaxFrameBytes"] = "65536" });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", b.Address!.Port);
        byte[] header = [.. BitConverter.GetBytes(10_000_000), (byte)FrameKind.Request];
        await socket.SendAsync(header);

        var buffer = new byte[256];
        var read = await Eventually.Within(socket.ReceiveAsync(buffer, SocketFlags.None), Eventually.Deadline, "the silo closing the connection");
        Assert.Equal(0, read);
        // The silo keeps serving others.
        var client = await cluster.StartClientAsync();
        cluster.Placement.Target = b.Address;
        Assert.Equal(b.Address.ToString(), await Eventually.Within(client.Grains.GetGrain<IEchoGrain>("ok").WhereAreYou(), Eventually.Deadline, "a normal call"));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        write(writer);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ReadOnlySequence<byte> Chunked(byte[] bytes, int chunk)
    {
        Segment? first = null, last = null;
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            var memory = bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i));
            if (first is null) first = last = new Segment(memory, 0);
            else last = last!.Append(memory);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
