using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Game.Gateway.Operators;

/// <summary>
/// The operator's token (configuration section <see cref="Section"/>, shared protocol.md v1.1 "Connections and
/// operators"). Operator endpoints are off (404) while no token is configured. Never logged.
/// </summary>
public sealed class AdminOptions
{
    /// <summary>Configuration section bound to this class (environment <c>Admin__Token</c>).</summary>
    public const string Section = "Admin";

    /// <summary>The bearer token operator requests must carry. <value>Default: none (operator endpoints off).</value></summary>
    public string? Token { get; set; }
}

/// <summary>
/// Checks operator requests (shared protocol.md v1.1, "Connections and operators": operator endpoints need the token
/// <c>Admin:Token</c>, as <c>Authorization: Bearer &lt;token&gt;</c> or, for pages opened in a browser, through a sign-in
/// that exchanges it for a cookie). The bearer token is compared in constant time (both sides hashed with SHA-256 first,
/// so the comparison's time tells nothing about the token's length either).
/// </summary>
/// <remarks>
/// The sign-in cookie (<see cref="CookieName"/>, set by <c>POST /admin/signin</c>, <see cref="SignInEndpoint"/>) never
/// holds the token: its value is <c>&lt;expiry, Unix seconds&gt;.&lt;HMAC-SHA256 keyed by the token over a fixed label and
/// the expiry&gt;</c>. Any gateway with the same token accepts it until it expires (<see cref="CookieLifetime"/>) or the
/// token changes; it is HttpOnly and SameSite=Strict (so other sites cannot make a browser use it), Secure over HTTPS.
/// </remarks>
internal sealed class OperatorAccess(IOptions<AdminOptions> options, TimeProvider time)
{
    /// <summary>The sign-in cookie's name.</summary>
    public const string CookieName = "game_operator";

    /// <summary>How long a sign-in lasts. <value>12 hours.</value></summary>
    public static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(12);

    private static readonly byte[] CookieLabel = "game operator session v1|"u8.ToArray();

    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(options.Value.Token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));
    private readonly byte[]? _cookieKey = string.IsNullOrEmpty(options.Value.Token) ? null : Encoding.UTF8.GetBytes(options.Value.Token);

    /// <summary>Whether operator endpoints are on (a token is configured).</summary>
    public bool Enabled => _tokenHash is not null;

    /// <summary>Whether <paramref name="request"/> carries the operator token (bearer header) or a valid sign-in cookie.</summary>
    public bool Allows(HttpRequest request)
    {
        if (_tokenHash is null) return false;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return IsToken(header[scheme.Length..].Trim());
        return request.Cookies.TryGetValue(CookieName, out var cookie) && IsSessionCookie(cookie);
    }

    /// <summary>Whether <paramref name="token"/> is the operator token (constant time).</summary>
    public bool IsToken(string? token)
    {
        if (_tokenHash is null || token is null) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(given, _tokenHash);
    }

    /// <summary>A new sign-in cookie value, valid for <see cref="CookieLifetime"/>; only when <see cref="Enabled"/>.</summary>
    public string NewSessionCookie()
    {
        var expires = time.GetUtcNow().Add(CookieLifetime).ToUnixTimeSeconds();
        return $"{expires}.{Base64Url(Mac(expires))}";
    }

    /// <summary>Whether <paramref name="cookie"/> is a sign-in cookie made with this token that has not expired.</summary>
    public bool IsSessionCookie(string? cookie)
    {
        if (_cookieKey is null || string.IsNullOrEmpty(cookie) || cookie.Length > 128) return false;
        var dot = cookie.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(cookie.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expires)) return false;
        if (expires <= time.GetUtcNow().ToUnixTimeSeconds()) return false;
        var expected = Encoding.ASCII.GetBytes(Base64Url(Mac(expires)));
        var given = Encoding.ASCII.GetBytes(cookie[(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private byte[] Mac(long expires)
    {
        var message = new byte[CookieLabel.Length + 20];
        CookieLabel.CopyTo(message, 0);
        var length = CookieLabel.Length + Encoding.ASCII.GetBytes(expires.ToString(System.Globalization.CultureInfo.InvariantCulture), message.AsSpan(CookieLabel.Length));
        return HMACSHA256.HashData(_cookieKey!, message.AsSpan(0, length));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>An endpoint filter: 404 while operator endpoints are off, 401 without the token.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var access = context.HttpContext.RequestServices.GetRequiredService<OperatorAccess>();
        if (!access.Enabled) return Results.NotFound();
        if (!access.Allows(context.HttpContext.Request))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Unauthorized();
        }
        return await next(context);
    }

    /// <summary>
    /// Guards every request under <paramref name="prefix"/> (e.g. the Orleans Dashboard's pages, scripts and API) as
    /// <see cref="Filter"/> does, as middleware, so it holds whatever kind of endpoint or middleware serves the path. A
    /// browser (an <c>Accept</c> with <c>text/html</c>) without access is sent to <c>/admin/signin</c> instead of a bare 401.
    /// </summary>
    public static WebApplication RequireOperator(WebApplication app, PathString prefix)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }
            var access = context.RequestServices.GetRequiredService<OperatorAccess>();
            if (!access.Enabled)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (access.Allows(context.Request))
            {
                await next(context);
                return;
            }
            if (HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Redirect(SignInEndpoint.PathFor(context.Request.Path + context.Request.QueryString));
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer";
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        });
        return app;
    }
}
