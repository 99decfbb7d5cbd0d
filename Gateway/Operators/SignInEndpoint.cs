using System.Net;

namespace Game.Gateway.Operators;

/// <summary>
/// The operator sign-in for pages opened in a browser (shared protocol.md v1.1, "Connections and operators": "for pages
/// opened in a browser through a sign-in that exchanges it for a cookie"). <c>GET /admin/signin</c> serves a small form;
/// <c>POST /admin/signin</c> with the form field <c>token</c> sets the cookie <see cref="OperatorAccess.CookieName"/>
/// (HttpOnly, SameSite=Strict, Secure over HTTPS; its value is an HMAC keyed by the token, never the token) and redirects
/// to <c>return</c> (a path on this gateway; default <c>/dashboard</c>). A wrong token gets 401 and the form again. Both
/// answer 404 while no token is configured, like every operator endpoint.
/// </summary>
internal static class SignInEndpoint
{
    /// <summary>The sign-in page's path.</summary>
    public const string Path = "/admin/signin";

    /// <summary>The sign-in page that returns to <paramref name="returnPath"/> afterwards.</summary>
    public static string PathFor(string returnPath) => $"{Path}?return={Uri.EscapeDataString(returnPath)}";

    /// <summary>Maps <c>GET</c> and <c>POST /admin/signin</c>.</summary>
    public static WebApplication MapSignIn(this WebApplication app)
    {
        app.MapGet(Path, Form);
        app.MapPost(Path, SignInAsync);
        return app;
    }

    private static IResult Form(HttpContext context, OperatorAccess access)
    {
        if (!access.Enabled) return Results.NotFound();
        return Page(SafeReturn(context.Request.Query["return"]), failed: false, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SignInAsync(HttpContext context, OperatorAccess access)
    {
        if (!access.Enabled) return Results.NotFound();
        if (!context.Request.HasFormContentType) return Results.BadRequest(new { error = "send the form: token=<operator token>" });
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var back = SafeReturn(form["return"]);
        if (!access.IsToken(form["token"].ToString())) return Page(back, failed: true, StatusCodes.Status401Unauthorized);
        context.Response.Cookies.Append(OperatorAccess.CookieName, access.NewSessionCookie(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = OperatorAccess.CookieLifetime,
            IsEssential = true,
        });
        return Results.Redirect(back);
    }

    /// <summary>A local path to go back to: starts with one <c>/</c> (not <c>//</c> or <c>/\</c>, which browsers take as another host); else <c>/dashboard</c>.</summary>
    internal static string SafeReturn(string? path)
        => path is { Length: > 0 } p && p[0] == '/' && (p.Length == 1 || (p[1] != '/' && p[1] != '\\')) && !p.Any(char.IsControl) ? p : "/dashboard";

    private static IResult Page(string back, bool failed, int status)
    {
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>Operator sign-in</title></head>
            <body style="font-family:sans-serif;max-width:24rem;margin:3rem auto">
            <h1>Operator sign-in</h1>
            {{(failed ? "<p role=\"alert\">That is not the operator token.</p>" : "")}}
            <form method="post" action="{{Path}}">
            <label>Operator token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
            <input type="hidden" name="return" value="{{WebUtility.HtmlEncode(back)}}">
            <button type="submit">Sign in</button>
            </form>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }
}
