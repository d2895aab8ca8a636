using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Web.Tests.Edge;

/// <summary>
/// A person signed in through the sign-in form over plain HTTP, the way a browser does it (antiforgery cookie and token,
/// then the auth cookie), with the cookies kept by hand so that Secure ones are sent over http too.
/// </summary>
internal sealed partial class CookieSession(HttpClient client, Action<HttpRequestMessage>? decorate = null)
{
    public const string AuthCookieName = "portal.auth";

    private readonly Dictionary<string, string> cookies = new();

    /// <summary>The Set-Cookie line of the auth cookie as the portal sent it.</summary>
    public string? AuthSetCookie { get; private set; }

    public string? AuthCookie => cookies.GetValueOrDefault(AuthCookieName);

    public static async Task<CookieSession> SignInAsync(HttpClient client, string email, string password,
        Action<HttpRequestMessage>? decorate = null)
    {
        var session = new CookieSession(client, decorate);
        var form = await session.LoginFormAsync();
        var response = await session.PostLoginAsync(form, email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && session.AuthCookie is not null,
            $"Signing in {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return session;
    }

    /// <summary>The sign-in page's antiforgery token (its cookie is kept in this session).</summary>
    public async Task<string> LoginFormAsync()
    {
        var page = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/account/login"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"The sign-in page: {(int)page.StatusCode} {html}");
        return AntiforgeryToken().Match(html).Groups[1].Value;
    }

    public Task<HttpResponseMessage> PostLoginAsync(string antiforgeryToken, string email, string password) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = antiforgeryToken,
                ["Input.Email"] = email,
                ["Input.Password"] = password,
            }),
        });

    /// <summary>Sends the request with this session's cookies and keeps the cookies the answer sets.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        decorate?.Invoke(request);
        var response = await client.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var lines))
            foreach (var line in lines)
            {
                var pair = line.Split(';', 2)[0];
                var name = pair[..pair.IndexOf('=')];
                cookies[name] = pair[(pair.IndexOf('=') + 1)..];
                if (name == AuthCookieName) AuthSetCookie = line;
            }
        return response;
    }

    /// <summary>A session carrying these cookies into another portal (a restarted one).</summary>
    public CookieSession On(HttpClient other)
    {
        var copy = new CookieSession(other, decorate);
        foreach (var (name, value) in cookies) copy.cookies[name] = value;
        return copy;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
