using System.Net;
using System.Net.Http.Headers;
using Game.Gateway.Operators;
using Game.Gateway.Tests.Fakes;
using Microsoft.Extensions.Configuration;

namespace Game.Gateway.Tests;

/// <summary>
/// Operator access (shared protocol.md v1.1, "Connections and operators"): the dashboard needs the token like every
/// operator endpoint (404 without one configured, 401 without it), and a browser can exchange the token for a cookie at
/// <c>/admin/signin</c>; the cookie is HttpOnly, SameSite=Strict and does not hold the token.
/// </summary>
public sealed class OperatorAccessTests
{
    private const string Token = "operator-test-token";

    private static Task<FakeGateway> StartAsync(string? token)
        => FakeGateway.StartAsync(b =>
        {
            if (token is not null) b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Admin:Token"] = token });
        });

    private static HttpClient Client(FakeGateway gateway, CookieContainer? cookies = null)
        => new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = gateway.Address,
        };

    [Fact]
    public async Task Without_a_configured_token_the_dashboard_and_sign_in_are_404()
    {
        await using var gateway = await StartAsync(token: null);
        using var http = Client(gateway);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/admin/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/admin/signin", new FormUrlEncodedContent([new("token", "x")]))).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_needs_the_token_or_the_cookie()
    {
        await using var gateway = await StartAsync(Token);
        using var http = Client(gateway);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard/DashboardCounters")).StatusCode);

        var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        page.Headers.Accept.ParseAdd("text/html");
        var redirect = await http.SendAsync(page); // a browser is sent to the sign-in
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/admin/signin?return=%2Fdashboard", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var bearer = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await http.SendAsync(bearer)).StatusCode); // passes the guard (no dashboard in this fake: 404)
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_cookie_that_is_not_the_token_and_opens_operator_endpoints()
    {
        await using var gateway = await StartAsync(Token);
        var cookies = new CookieContainer();
        using var http = Client(gateway, cookies);

        var form = await http.GetAsync("/admin/signin?return=/dashboard");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("<form method=\"post\"", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var refused = await http.PostAsync("/admin/signin", new FormUrlEncodedContent([new("token", "nope")]));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));

        var signIn = await http.PostAsync("/admin/signin", new FormUrlEncodedContent([new("token", Token), new("return", "/dashboard")]));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/dashboard", signIn.Headers.Location!.OriginalString);
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(OperatorAccess.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, setCookie, StringComparison.Ordinal);

        // With the cookie: the dashboard guard and a token-guarded endpoint let it through.
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await http.GetAsync("/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(gateway).GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode); // OperatorAccess.Filter takes the cookie

        // A forged or tampered cookie is not.
        using var forged = Client(gateway);
        var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        var value = cookies.GetCookies(gateway.Address)[OperatorAccess.CookieName]!.Value;
        request.Headers.Add("Cookie", $"{OperatorAccess.CookieName}={value[..^2]}AA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.SendAsync(request)).StatusCode);
        var tokenAsCookie = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        tokenAsCookie.Headers.Add("Cookie", $"{OperatorAccess.CookieName}={Token}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.SendAsync(tokenAsCookie)).StatusCode);
    }

    [Fact]
    public void The_cookie_expires_and_is_bound_to_the_token()
    {
        var clock = new ManualTimeProvider();
        var access = new OperatorAccess(Microsoft.Extensions.Options.Options.Create(new AdminOptions { Token = Token }), clock);
        var other = new OperatorAccess(Microsoft.Extensions.Options.Options.Create(new AdminOptions { Token = "another" }), clock);
        var cookie = access.NewSessionCookie();
        Assert.True(access.IsSessionCookie(cookie));
        Assert.False(other.IsSessionCookie(cookie));
        Assert.False(access.IsSessionCookie(""));
        Assert.False(access.IsSessionCookie("123.abc"));
        clock.Advance(OperatorAccess.CookieLifetime - TimeSpan.FromSeconds(1));
        Assert.True(access.IsSessionCookie(cookie));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(access.IsSessionCookie(cookie));
    }

    [Theory]
    [InlineData("/dashboard", "/dashboard")]
    [InlineData("/dashboard/x?y=1", "/dashboard/x?y=1")]
    [InlineData("//evil.example", "/dashboard")]
    [InlineData("/\\evil.example", "/dashboard")]
    [InlineData("https://evil.example", "/dashboard")]
    [InlineData("", "/dashboard")]
    [InlineData(null, "/dashboard")]
    public void Sign_in_returns_only_to_local_paths(string? requested, string expected)
        => Assert.Equal(expected, SignInEndpoint.SafeReturn(requested));
}
