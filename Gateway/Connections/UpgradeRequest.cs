using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Game.Gateway.Connections;

/// <summary>What <see cref="UpgradeRequest.Parse"/> made of the bytes a connection has sent so far.</summary>
internal enum UpgradeVerdict
{
    /// <summary>The header block is not complete yet, and nothing so far rules the request out.</summary>
    NeedMore,

    /// <summary>A complete, well-formed WebSocket upgrade of <c>GET /ws</c> over HTTP/1.1.</summary>
    Upgrade,

    /// <summary>Anything else (another path or method, TLS, HTTP/2, a malformed or incomplete upgrade): HTTP's to answer.</summary>
    NotOurs,
}

/// <summary>
/// The first request of a connection when it is a WebSocket upgrade of <c>/ws</c> (RFC 6455, section 4.2.1, with
/// HTTP/1.1 message syntax of RFC 9112): what <see cref="GatewayTransport"/> needs to accept it without Kestrel's HTTP
/// layer. The parser is strict on purpose: whatever it does not fully understand is <see cref="UpgradeVerdict.NotOurs"/>,
/// and Kestrel's HTTP/1.1 layer answers it as it always did (400, 403, 429 or the upgrade itself).
/// </summary>
internal readonly struct UpgradeRequest
{
    /// <summary>The most header bytes looked at (request line and headers, the blank line included): <value>8,192</value>.
    /// A longer header block is handed to HTTP, whose own limit is 32 KiB.</summary>
    public const int MaxHeaderBytes = 8192;

    private static ReadOnlySpan<byte> Prefix => "GET /ws"u8;
    private static ReadOnlySpan<byte> EndOfHeaders => "\r\n\r\n"u8;
    private const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455, section 1.3

    /// <summary>The <c>Host</c> header's value, e.g. <c>127.0.0.1:5000</c>.</summary>
    public string Host { get; init; }

    /// <summary>The <c>Origin</c> header's value; null without one.</summary>
    public string? Origin { get; init; }

    /// <summary>How many <c>Origin</c> headers the request had (more than one is refused by <see cref="OriginPolicy"/>).</summary>
    public int OriginCount { get; init; }

    /// <summary>The <c>Sec-WebSocket-Key</c> header's value: base64 of 16 bytes.</summary>
    public string Key { get; init; }

    /// <summary>
    /// Reads <paramref name="buffer"/> (the connection's bytes from its first one). On <see cref="UpgradeVerdict.Upgrade"/>,
    /// <paramref name="request"/> is filled and <paramref name="headerBytes"/> is the length of the header block, blank
    /// line included: the bytes to consume before the WebSocket's own.
    /// </summary>
    public static UpgradeVerdict Parse(ReadOnlySequence<byte> buffer, out UpgradeRequest request, out int headerBytes)
    {
        request = default;
        headerBytes = 0;
        var length = (int)Math.Min(buffer.Length, MaxHeaderBytes);
        byte[]? rented = null;
        var bytes = buffer.IsSingleSegment
            ? buffer.FirstSpan[..length]
            : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            if (rented is not null) buffer.Slice(0, length).CopyTo(rented);
            var prefix = Math.Min(bytes.Length, Prefix.Length);
            if (!bytes[..prefix].SequenceEqual(Prefix[..prefix])) return UpgradeVerdict.NotOurs;
            if (bytes.Length > Prefix.Length && bytes[Prefix.Length] is not ((byte)' ' or (byte)'?')) return UpgradeVerdict.NotOurs; // "/wsx", "/ws/"
            var end = bytes.IndexOf(EndOfHeaders);
            if (end < 0) return buffer.Length >= MaxHeaderBytes ? UpgradeVerdict.NotOurs : UpgradeVerdict.NeedMore;
            headerBytes = end + EndOfHeaders.Length;
            return TryRead(bytes[..(end + 2)], out request) ? UpgradeVerdict.Upgrade : UpgradeVerdict.NotOurs;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> value for <see cref="Key"/> (RFC 6455, section 4.2.2).</summary>
    public string AcceptKey()
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(Key + KeyGuid), hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>The <c>101</c> response that completes the upgrade, as bytes.</summary>
    public byte[] SwitchingProtocols()
        => Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {AcceptKey()}\r\n\r\n");

    // lines: the request line and the header lines, each ending in CRLF, without the blank line.
    private static bool TryRead(ReadOnlySpan<byte> lines, out UpgradeRequest request)
    {
        request = default;
        var eol = lines.IndexOf("\r\n"u8);
        var requestLine = lines[..eol];
        // "GET /ws HTTP/1.1" or "GET /ws?query HTTP/1.1": the path is exactly /ws (other spellings are HTTP's).
        var space = requestLine.LastIndexOf((byte)' ');
        if (space < Prefix.Length || !requestLine[(space + 1)..].SequenceEqual("HTTP/1.1"u8)) return false;
        var target = requestLine[4..space];
        if (target.Length > 3 && target[3] != (byte)'?') return false;
        if (target.ContainsAny((byte)' ', (byte)'\t')) return false;

        string? host = null, key = null, origin = null;
        int hosts = 0, keys = 0, origins = 0;
        bool upgrade = false, connection = false, version = false;
        var rest = lines[(eol + 2)..];
        while (!rest.IsEmpty)
        {
            eol = rest.IndexOf("\r\n"u8);
            var line = rest[..eol];
            rest = rest[(eol + 2)..];
            var colon = line.IndexOf((byte)':');
            // No name, a folded line or whitespace before the colon: malformed (RFC 9112, section 5).
            if (colon <= 0 || line[colon - 1] is (byte)' ' or (byte)'\t' || line[0] is (byte)' ' or (byte)'\t') return false;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.ContainsAny((byte)'\r', (byte)'\n', (byte)0)) return false;
            if (Is(name, "host")) { hosts++; host = Encoding.Latin1.GetString(value); }
            else if (Is(name, "origin")) { origins++; origin = Encoding.Latin1.GetString(value); }
            else if (Is(name, "sec-websocket-key")) { keys++; key = Encoding.ASCII.GetString(value); }
            else if (Is(name, "sec-websocket-version")) version = value.SequenceEqual("13"u8);
            else if (Is(name, "upgrade")) upgrade |= HasToken(value, "websocket");
            else if (Is(name, "connection")) connection |= HasToken(value, "upgrade");
            else if (Is(name, "content-length") || Is(name, "transfer-encoding")) return false; // an upgrade has no body
        }
        if (hosts != 1 || keys != 1 || !upgrade || !connection || !version || host!.Length == 0) return false;
        Span<byte> decoded = stackalloc byte[18];
        if (!Convert.TryFromBase64String(key!, decoded, out var written) || written != 16) return false;
        request = new UpgradeRequest { Host = host, Origin = origin, OriginCount = origins, Key = key! };
        return true;
    }

    private static bool Is(ReadOnlySpan<byte> name, string expected) => Ascii.EqualsIgnoreCase(name, expected);

    // A comma-separated list (RFC 9110, section 5.6.1) holding token, in any case.
    private static bool HasToken(ReadOnlySpan<byte> list, string token)
    {
        foreach (var range in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[range].Trim(" \t"u8), token)) return true;
        }
        return false;
    }
}
