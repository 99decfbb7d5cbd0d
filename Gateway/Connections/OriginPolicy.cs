namespace Game.Gateway.Connections;

/// <summary>
/// Which browser origins may open <c>/ws</c> (shared protocol.md v1.1, "Connections and operators": "browsers' upgrades
/// are accepted from the gateway's own origin and from configured allowed origins; others get HTTP 403"). A request
/// without an <c>Origin</c> header is not from a browser page and is not checked.
/// </summary>
internal static class OriginPolicy
{
    /// <summary>
    /// Whether <paramref name="request"/> may upgrade: no <c>Origin</c> header; or an origin with the request's own scheme,
    /// host and port (the page was served by this gateway); or one of <paramref name="allowed"/>
    /// (<see cref="GatewayOptions.AllowedOrigins"/>). An opaque origin (<c>null</c>) or a malformed one is refused.
    /// </summary>
    public static bool Allows(HttpRequest request, IReadOnlyCollection<string> allowed)
    {
        var values = request.Headers.Origin;
        return Allows(values.Count, values.Count == 1 ? values[0] : null, request.Scheme, request.Host.Value ?? "", allowed);
    }

    /// <summary>
    /// The same rule from a request's parts: <paramref name="count"/> <c>Origin</c> headers, the only one's value
    /// <paramref name="value"/>, the request's <paramref name="scheme"/> (<c>http</c> or <c>https</c>) and its
    /// <c>Host</c> header <paramref name="host"/>. Used by <see cref="GatewayTransport"/>, which reads the request itself.
    /// </summary>
    public static bool Allows(int count, string? value, string scheme, string host, IReadOnlyCollection<string> allowed)
    {
        if (count == 0) return true;
        if (count > 1) return false;
        if (Normalize(value) is not { } origin) return false;
        var own = Normalize($"{scheme}://{host}");
        if (own is not null && string.Equals(origin, own, StringComparison.Ordinal)) return true;
        foreach (var entry in allowed)
        {
            if (Normalize(entry) is { } ok && string.Equals(origin, ok, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>
    /// <paramref name="origin"/> as <c>scheme://host:port</c> (lower case, port always written), or null when it is not
    /// an http(s) origin: <c>scheme://host[:port]</c> with no path (a single trailing <c>/</c> is tolerated), query,
    /// fragment or user info.
    /// </summary>
    public static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin)) return null;
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("http" or "https")) return null;
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0) return null;
        if (string.IsNullOrEmpty(uri.Host)) return null;
        return $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}";
    }
}
