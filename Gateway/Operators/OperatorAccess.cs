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
/// Checks operator requests: <c>Authorization: Bearer &lt;token&gt;</c>, compared in constant time (both sides hashed
/// with SHA-256 first, so the comparison's time tells nothing about the token's length either).
/// </summary>
internal sealed class OperatorAccess(IOptions<AdminOptions> options)
{
    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(options.Value.Token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));

    /// <summary>Whether operator endpoints are on (a token is configured).</summary>
    public bool Enabled => _tokenHash is not null;

    /// <summary>Whether <paramref name="request"/> carries the operator token.</summary>
    public bool Allows(HttpRequest request)
    {
        if (_tokenHash is null) return false;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _tokenHash);
    }

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
}
