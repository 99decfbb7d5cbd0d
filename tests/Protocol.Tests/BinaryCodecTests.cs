using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Game.Grains.Interfaces;

namespace Game.Protocol.Tests;

/// <summary>The binary encoding of docs/protocol-binary.md: round trips, exact bytes, sizes, and every malformed frame.</summary>
public class BinaryCodecTests
{
    private static RoomSnapshot Snapshot(long tick, params PlayerSnapshot[] players) => new("r1", 1_700_000_000_050, tick, [.. players]);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static string HexOf(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    private static byte[] EncodeMap(BinaryRoomEventEncoder encoder, RoomSnapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>();
        encoder.Encode(snapshot, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static List<BinaryMapEntry> ReadEntries(byte[] frame, out byte version, out long time, out long tick)
    {
        Assert.True(BinaryMapReader.TryOpen(frame, out var reader, out var error), $"the map did not read back: {error.Message}");
        (version, time, tick) = (reader.RosterVersion, reader.Time, reader.Tick);
        var entries = new List<BinaryMapEntry>();
        while (reader.TryReadEntry(out var entry)) entries.Add(entry);
        Assert.Equal(reader.Count, entries.Count);
        return entries;
    }

    private static byte[] EncodeInput(PlayerInput input)
    {
        var buffer = new byte[BinaryFormat.MaxInputSize];
        return buffer.AsSpan(0, BinaryMessageWriter.WriteInput(buffer, input)).ToArray();
    }

    [Fact]
    public void Map_round_trips_with_the_very_numbers_of_the_json_map()
    {
        var snapshot = Snapshot(42,
            new PlayerSnapshot("p1", 12.3456f, 999.999f, -200f, 0.004f, 100, 17),
            new PlayerSnapshot("p2", 0f, 1000f, -0.001f, 141.42135f, 0, 0),
            new PlayerSnapshot("p3", 0.005f, 500.125f, 99.995f, -141.42135f, 55, 1L << 40));
        var encoder = new BinaryRoomEventEncoder();
        var frame = EncodeMap(encoder, snapshot);

        var entries = ReadEntries(frame, out var version, out var time, out var tick);
        Assert.Equal(encoder.Roster!.Version, version);
        Assert.Equal(new[] { "p1", "p2", "p3" }, encoder.Roster.Ids.ToArray());
        Assert.Equal(1_700_000_000_050, time);
        Assert.Equal(42, tick);

        var json = new ArrayBufferWriter<byte>();
        new JsonMessageWriter().WriteMap(json, snapshot);
        using var doc = JsonDocument.Parse(json.WrittenMemory);
        for (var i = 0; i < snapshot.Players.Length; i++)
        {
            var expected = doc.RootElement.GetProperty("player").GetProperty(snapshot.Players[i].Id).EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var e = entries[i];
            Assert.Equal(i, e.Index);
            Assert.Equal(expected, new[] { e.X, e.Y, e.Vx, e.Vy, e.Hp, (double)e.Ack });
        }
        Assert.Equal(1L << 40, entries[2].Ack);
    }

    [Fact]
    public void Rounding_matches_json_for_many_values()
    {
        var random = new Random(7);
        var players = Enumerable.Range(0, 200).Select(i => new PlayerSnapshot($"p{i}",
            (float)(random.NextDouble() * 1000), (float)(random.NextDouble() * 1000),
            (float)(random.NextDouble() * 400 - 200), (float)(random.NextDouble() * 400 - 200), i % 101, i)).ToArray();
        var snapshot = Snapshot(1, players);
        var entries = ReadEntries(EncodeMap(new BinaryRoomEventEncoder(), snapshot), out _, out _, out _);

        var json = new ArrayBufferWriter<byte>();
        new JsonMessageWriter().WriteMap(json, snapshot);
        using var doc = JsonDocument.Parse(json.WrittenMemory);
        for (var i = 0; i < players.Length; i++)
        {
            var expected = doc.RootElement.GetProperty("player").GetProperty(players[i].Id).EnumerateArray().Select(e => e.GetDouble()).Take(4);
            Assert.Equal(expected, new[] { entries[i].X, entries[i].Y, entries[i].Vx, entries[i].Vy });
        }
    }

    [Fact]
    public void Map_bytes_are_as_documented()
    {
        // Two players; tick 300 (varint AC 02); time 1700000000050 = 0x18BCFE56832.
        var encoder = new BinaryRoomEventEncoder();
        var frame = EncodeMap(encoder, Snapshot(300,
            new PlayerSnapshot("a", 1.5f, 2f, -3f, 0f, 100, 5),
            new PlayerSnapshot("b", 0f, 0f, 0f, 0f, 0, 200)));
        Assert.Equal(
            "01" + "01" + "3268E5CF8B010000" + "AC02" + "02"
            + "96000000" + "C8000000" + "D4FE" + "0000" + "64" + "05"
            + "00000000" + "00000000" + "0000" + "0000" + "00" + "C801",
            HexOf(frame));
    }

    [Fact]
    public void An_eight_player_map_is_124_bytes_and_under_a_third_of_json()
    {
        var players = Enumerable.Range(0, 8).Select(i => new PlayerSnapshot($"p{i:x7}", 123.45f + i * 100, 876.54f - i * 90, 141.42f, -141.42f, 100 - i * 10, 100 + i)).ToArray();
        var snapshot = Snapshot(100, players);
        var binary = EncodeMap(new BinaryRoomEventEncoder(), snapshot);
        var json = new ArrayBufferWriter<byte>();
        new JsonMessageWriter().WriteMap(json, snapshot);

        Assert.Equal(10 + 1 + 1 + 8 * 14, binary.Length);
        Assert.True(binary.Length * 3 < json.WrittenCount, $"binary {binary.Length} B vs JSON {json.WrittenCount} B");
        Assert.True(binary.Length <= BinaryFormat.MaxMapSize(8));
    }

    [Fact]
    public void Out_of_range_values_saturate_and_negative_counters_become_zero()
    {
        var frame = EncodeMap(new BinaryRoomEventEncoder(), Snapshot(-3,
            new PlayerSnapshot("p", 3e7f, -3e7f, 400f, -1e6f, 300, -1),
            new PlayerSnapshot("q", float.NaN, 1f, float.NegativeInfinity, float.NaN, -5, 0)));
        var entries = ReadEntries(frame, out _, out _, out var tick);
        Assert.Equal(0, tick);
        Assert.Equal(new BinaryMapEntry(0, int.MaxValue / 100.0, int.MinValue / 100.0, 327.67, -327.68, 255, 0), entries[0]);
        Assert.Equal(new BinaryMapEntry(1, 0, 1, -327.68, 0, 0, 0), entries[1]);
    }

    [Fact]
    public void The_encoder_keeps_its_roster_while_the_players_are_the_same_and_starts_a_new_version_when_they_change()
    {
        var encoder = new BinaryRoomEventEncoder();
        var a = new PlayerSnapshot("a", 1, 1, 0, 0, 100, 0);
        var b = new PlayerSnapshot("b", 2, 2, 0, 0, 100, 0);
        var c = new PlayerSnapshot("c", 3, 3, 0, 0, 100, 0);

        EncodeMap(encoder, Snapshot(1, a, b));
        var first = encoder.Roster!;
        EncodeMap(encoder, Snapshot(2, a with { X = 50, Ack = 3 }, b));
        Assert.Same(first, encoder.Roster); // same players: no new roster

        var versions = new List<byte> { first.Version };
        foreach (var players in new[] { new[] { a, b, c }, [a, c], [c, a], [], [a] })
        {
            var frame = EncodeMap(encoder, Snapshot(3, players));
            var roster = encoder.Roster!;
            Assert.Equal(players.Select(p => p.Id), roster.Ids);
            ReadEntries(frame, out var version, out _, out _);
            Assert.Equal(roster.Version, version);
            Assert.NotEqual(versions[^1], version);
            versions.Add(version);
        }
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public void Roster_versions_wrap_around_after_255()
    {
        var encoder = new BinaryRoomEventEncoder();
        var seen = new List<byte>();
        for (var i = 0; i < 300; i++)
        {
            EncodeMap(encoder, Snapshot(i, new PlayerSnapshot($"p{i % 2}", 0, 0, 0, 0, 1, 0)));
            seen.Add(encoder.Roster!.Version);
        }
        Assert.Equal(1, seen[0]);
        Assert.Equal(255, seen[254]);
        Assert.Equal(0, seen[255]);
        Assert.Equal(1, seen[256]);
    }

    [Fact]
    public void Roster_round_trips_and_has_the_documented_bytes()
    {
        var players = ImmutableArray.Create(new PlayerSnapshot("AAAAAAAA", 0, 0, 0, 0, 0, 0), new PlayerSnapshot("BBBBBBBB", 0, 0, 0, 0, 0, 0));
        var roster = BinaryRoster.Create(7, players);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Equal(21, BinaryMessageWriter.WriteRoster(buffer, roster));
        Assert.Equal("0207" + "02" + "08" + "4141414141414141" + "08" + "4242424242424242", HexOf(buffer.WrittenSpan));

        Assert.True(BinaryMessageReader.TryReadRoster(buffer.WrittenSpan, out var version, out var ids, out var error), error.Message);
        Assert.Equal(7, version);
        Assert.Equal(new[] { "AAAAAAAA", "BBBBBBBB" }, ids.ToArray());

        // Non-ASCII ids travel as UTF-8.
        buffer.ResetWrittenCount();
        BinaryMessageWriter.WriteRoster(buffer, BinaryRoster.Create(1, [new PlayerSnapshot("é-😀", 0, 0, 0, 0, 0, 0)]));
        Assert.True(BinaryMessageReader.TryReadRoster(buffer.WrittenSpan, out _, out ids, out _));
        Assert.Equal(new[] { "é-😀" }, ids.ToArray());
    }

    [Fact]
    public void Writing_a_map_against_a_roster_of_other_players_is_refused()
    {
        var roster = BinaryRoster.Create(1, [new PlayerSnapshot("a", 0, 0, 0, 0, 0, 0), new PlayerSnapshot("b", 0, 0, 0, 0, 0, 0)]);
        var buffer = new ArrayBufferWriter<byte>();
        BinaryMessageWriter.WriteMap(buffer, Snapshot(1, new PlayerSnapshot("a", 0, 0, 0, 0, 0, 0), new PlayerSnapshot("b", 0, 0, 0, 0, 0, 0)), roster);
        Assert.Throws<ArgumentException>(() => BinaryMessageWriter.WriteMap(buffer, Snapshot(1, new PlayerSnapshot("b", 0, 0, 0, 0, 0, 0), new PlayerSnapshot("a", 0, 0, 0, 0, 0, 0)), roster));
        Assert.Throws<ArgumentException>(() => BinaryMessageWriter.WriteMap(buffer, Snapshot(1, new PlayerSnapshot("a", 0, 0, 0, 0, 0, 0)), roster));
        Assert.Throws<ArgumentException>(() => BinaryRoster.Create(1, [new PlayerSnapshot("", 0, 0, 0, 0, 0, 0)]));
        Assert.Throws<ArgumentException>(() => BinaryRoster.Create(1, [new PlayerSnapshot(new string('x', 256), 0, 0, 0, 0, 0, 0)]));
    }

    [Fact]
    public void Room_events_have_no_binary_form()
    {
        var encoder = new BinaryRoomEventEncoder();
        Assert.Equal(MessageFormat.Binary, encoder.Format);
        Assert.True(BinaryRoomEventEncoder.CanEncode(Snapshot(1)));
        Assert.False(BinaryRoomEventEncoder.CanEncode(new ChatEvent("p", "hi", 1)));
        Assert.Throws<ArgumentException>(() => encoder.Encode(new PlayerLeftEvent("p"), new ArrayBufferWriter<byte>()));
    }

    public static TheoryData<long, double, float, float, bool, int> Inputs => new()
    {
        { 0, 0, 0f, 0f, false, 19 },
        { 1, 1000, 1f, 0f, true, 19 },
        { 127, -12.5, -1f, 1f, false, 19 },
        { 128, 1_700_000_000_123.25, 0.707f, -0.707f, true, 20 },
        { 16_384, double.MaxValue, -0f, float.Epsilon, false, 21 },
        { long.MaxValue, double.MinValue, 0.001f, -0.999f, true, 27 },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_round_trips_exactly(long seq, double time, float vx, float vy, bool attack, int size)
    {
        var input = new PlayerInput(seq, time, vx, vy, attack);
        var frame = EncodeInput(input);
        Assert.Equal(size, frame.Length);
        Assert.True(BinaryMessageReader.TryReadInput(frame, out var read, out var error), error.Message);
        Assert.Equal(input, read);
    }

    [Fact]
    public void Input_bytes_are_as_documented()
    {
        Assert.Equal("81" + "01" + "0000000000408F40" + "0000803F" + "00000000" + "01", HexOf(EncodeInput(new PlayerInput(1, 1000, 1f, 0f, true))));
    }

    [Fact]
    public void The_input_writer_refuses_what_the_server_would_reject()
    {
        var buffer = new byte[BinaryFormat.MaxInputSize];
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryMessageWriter.WriteInput(buffer, new PlayerInput(-1, 0, 0, 0, false)));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryMessageWriter.WriteInput(buffer, new PlayerInput(1, double.NaN, 0, 0, false)));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryMessageWriter.WriteInput(buffer, new PlayerInput(1, 0, 1.01f, 0, false)));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryMessageWriter.WriteInput(buffer, new PlayerInput(1, 0, 0, float.NaN, false)));
        Assert.Throws<ArgumentException>(() => BinaryMessageWriter.WriteInput(new byte[18], new PlayerInput(1, 0, 0, 0, false)));
    }

    /// <summary>A valid input (seq 5, time 1000, direction (0.5, -0.5), attack) for the malformed cases to break.</summary>
    private const string ValidInput = "81 05 0000000000408F40 0000003F 000000BF 01";

    public static TheoryData<string, string> MalformedInputs => new()
    {
        { "", "empty frame" },
        { "00", "unknown tag 0x00" },
        { "7F 05 0000000000408F40 0000003F 000000BF 01", "unknown tag 0x7F" },
        { "01 05 0000000000408F40 0000003F 000000BF 01", "a map tag from the client" },
        { "02 05 0000000000408F40 0000003F 000000BF 01", "a roster tag from the client" },
        { "81", "tag only" },
        { "81 85", "truncated seq varint" },
        { "81 05 0000000000408F", "truncated time" },
        { "81 05 0000000000408F40 0000003F 000000", "truncated vy" },
        { "81 05 0000000000408F40 0000003F 000000BF", "missing flags" },
        { "81 05 0000000000408F40 0000003F 000000BF 01 00", "a trailing byte" },
        { "81 8500 0000000000408F40 0000003F 000000BF 01", "a non-minimal seq varint" },
        { "81 FFFFFFFFFFFFFFFFFF7F 0000000000408F40 0000003F 000000BF 01", "a 10-byte varint over 64 bits" },
        { "81 FFFFFFFFFFFFFFFFFFFF01 0000000000408F40 0000003F 000000BF 01", "an 11-byte varint" },
        { "81 808080808080808080 01 0000000000408F40 0000003F 000000BF 01", "seq 2^63" },
        { "81 FFFFFFFFFFFFFFFFFF01 0000000000408F40 0000003F 000000BF 01", "seq 2^64-1" },
        { "81 05 000000000000F87F 0000003F 000000BF 01", "time NaN" },
        { "81 05 000000000000F07F 0000003F 000000BF 01", "time +infinity" },
        { "81 05 000000000000F0FF 0000003F 000000BF 01", "time -infinity" },
        { "81 05 0000000000408F40 0000C07F 000000BF 01", "vx NaN" },
        { "81 05 0000000000408F40 0000803F 0000807F 01", "vy +infinity" },
        { "81 05 0000000000408F40 0100803F 000000BF 01", "vx just over 1" },
        { "81 05 0000000000408F40 0000C0BF 000000BF 01", "vx -1.5" },
        { "81 05 0000000000408F40 0000003F 000000C0 01", "vy -2" },
        { "81 05 0000000000408F40 0000003F 000000BF 02", "a reserved flag bit" },
        { "81 05 0000000000408F40 0000003F 000000BF 81", "the top flag bit" },
        { "7B2274797065223A22696E707574227D", "JSON text in a binary frame" },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public void Malformed_inputs_are_bad_requests(string hex, string what)
    {
        Assert.True(BinaryMessageReader.TryReadInput(Hex(ValidInput), out _, out _), "the valid input this case starts from reads");
        Assert.False(BinaryMessageReader.TryReadInput(Hex(hex), out var input, out var error), $"{what} was accepted");
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message), what);
        Assert.Equal(default, input);
    }

    [Fact]
    public void Varints_are_read_strictly()
    {
        foreach (var (hex, value) in new[] { ("00", 0UL), ("7F", 127UL), ("8001", 128UL), ("FFFFFFFFFFFFFFFFFF01", ulong.MaxValue) })
        {
            var n = 0;
            Assert.True(Varint.TryRead(Hex(hex), ref n, out var read), hex);
            Assert.Equal(value, read);
            Assert.Equal(hex.Length / 2, n);
            Assert.Equal(n, Varint.SizeOf(value));
        }
        foreach (var hex in new[] { "", "80", "8000", "FF00", "FFFFFFFFFFFFFFFFFF02", "FFFFFFFFFFFFFFFFFFFF01" })
        {
            var n = 0;
            Assert.False(Varint.TryRead(Hex(hex), ref n, out _), hex);
        }
    }

    /// <summary>A valid map: version 1, time 0, tick 1, one entry with ack 5.</summary>
    private const string ValidMap = "01 01 0000000000000000 01 01 00000000 00000000 0000 0000 64 05";

    public static TheoryData<string, string> MalformedMaps => new()
    {
        { "", "empty frame" },
        { "02 01 0000000000000000 01 01 00000000 00000000 0000 0000 64 05", "a roster tag" },
        { "01 01 00000000000000", "truncated time" },
        { "01 01 0000000000000000", "no tick" },
        { "01 01 0000000000000000 01", "no count" },
        { "01 01 0000000000000000 01 02 00000000 00000000 0000 0000 64 05", "a count over the entries" },
        { "01 01 0000000000000000 01 00 00000000 00000000 0000 0000 64 05", "a count under the entries" },
        { "01 01 0000000000000000 01 01 00000000 00000000 0000 0000 64", "no ack" },
        { "01 01 0000000000000000 01 01 00000000 00000000 0000 0000 64 8500", "a non-minimal ack" },
        { "01 01 0000000000000000 01 01 00000000 00000000 0000 0000 64 05 00", "a trailing byte" },
        { "01 01 0000000000000000 01 FFFFFFFF0F", "a huge count" },
        { "01 01 0000000000000000 808080808080808080 01 00", "a tick over 2^63-1" },
    };

    [Theory]
    [MemberData(nameof(MalformedMaps))]
    public void Malformed_maps_are_refused(string hex, string what)
    {
        Assert.True(BinaryMapReader.TryOpen(Hex(ValidMap), out var valid, out _), "the valid map this case starts from reads");
        Assert.True(valid.TryReadEntry(out var entry));
        Assert.Equal(5, entry.Ack);
        Assert.False(BinaryMapReader.TryOpen(Hex(hex), out _, out var error), $"{what} was accepted");
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }

    /// <summary>A valid roster: version 3, ids "ab" and "c".</summary>
    private const string ValidRoster = "02 03 02 02 6162 01 63";

    public static TheoryData<string, string> MalformedRosters => new()
    {
        { "", "empty frame" },
        { "01 03 02 02 6162 01 63", "a map tag" },
        { "02", "no version" },
        { "02 03", "no count" },
        { "02 03 03 02 6162 01 63", "a count over the ids" },
        { "02 03 01 02 6162 01 63", "a count under the ids" },
        { "02 03 02 02 6162 00", "an empty id" },
        { "02 03 02 02 6162 02 63", "an id longer than the frame" },
        { "02 03 02 02 6162 01 FF", "an id that is not UTF-8" },
        { "02 03 01 8002 61", "an id length over 255" },
        { "02 03 80 00", "a non-minimal count" },
    };

    [Theory]
    [MemberData(nameof(MalformedRosters))]
    public void Malformed_rosters_are_refused(string hex, string what)
    {
        Assert.True(BinaryMessageReader.TryReadRoster(Hex(ValidRoster), out var version, out var ids, out _), "the valid roster this case starts from reads");
        Assert.Equal(3, version);
        Assert.Equal(new[] { "ab", "c" }, ids.ToArray());
        Assert.False(BinaryMessageReader.TryReadRoster(Hex(hex), out _, out _, out var error), $"{what} was accepted");
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }

    [Fact]
    public void Encoding_maps_and_reading_inputs_and_maps_allocate_nothing()
    {
        var snapshot = Snapshot(9, [.. Enumerable.Range(0, 8).Select(i => new PlayerSnapshot($"p{i}", i * 10.5f, 3, 1, 2, 100, i))]);
        var encoder = new BinaryRoomEventEncoder();
        var buffer = new ArrayBufferWriter<byte>(4096);
        var inputFrame = EncodeInput(new PlayerInput(300, 12.5, 0.5f, -0.5f, true));
        encoder.Encode(snapshot, buffer); // warm up; makes the roster
        var mapFrame = buffer.WrittenSpan.ToArray();
        long sum = 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            buffer.ResetWrittenCount();
            encoder.Encode(snapshot, buffer);
            BinaryMessageReader.TryReadInput(inputFrame, out var input, out _);
            sum += input.Seq;
            BinaryMapReader.TryOpen(mapFrame, out var reader, out _);
            while (reader.TryReadEntry(out var entry)) sum += entry.Ack;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100 * (300 + 28), sum);
    }
}
