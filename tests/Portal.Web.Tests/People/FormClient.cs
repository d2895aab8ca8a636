using System.Net;
using System.Text.RegularExpressions;
using Portal.Tests.Support;

namespace Portal.Web.Tests.People;

/// <summary>
/// A browser without a browser: real HTTP with a cookie jar, posting the portal's server-rendered forms (sign-in,
/// invitation) with their antiforgery token, as a person's browser would.
/// </summary>
internal sealed partial class FormClient : IDisposable
{
    private readonly HttpClient http;

    public FormClient(PortalHost portal)
    {
        Cookies = new CookieContainer();
        http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = portal.BaseUrl };
    }

    public CookieContainer Cookies { get; }
    public HttpClient Http => http;

    /// <summary>
    /// GETs the page, then posts its form (the one named <paramref name="formName"/> when the page has several) with the
    /// fields it rendered (antiforgery, handler) plus <paramref name="fields"/>.
    /// </summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IReadOnlyDictionary<string, string> fields, string? formName = null)
    {
        var page = await http.GetStringAsync(path);
        if (formName is not null)
            page = page.Split("<form").Single(f => f.Contains($"name=\"_handler\" value=\"{formName}\""));
        var form = HiddenInput().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        foreach (var (key, value) in fields) form[key] = value;
        return await http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        await PostFormAsync("/account/login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>The text of the sign-in page's error, or null when the post signed in (a redirect).</summary>
    public static async Task<string?> SignInErrorAsync(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther) return null;
        var body = await response.Content.ReadAsStringAsync();
        var match = LoginError().Match(body);
        return match.Success ? WebUtility.HtmlDecode(Regex.Replace(match.Groups[1].Value, "<[^>]+>", "")).Trim() : $"(no error shown; {response.StatusCode})";
    }

    /// <summary>Posts the sign-out form (or, with <paramref name="everywhere"/>, the account page's "Sign out everywhere").</summary>
    public async Task<HttpResponseMessage> SignOutAsync(bool everywhere = false)
    {
        var page = await http.GetStringAsync("/account/profile");
        var token = HiddenInput().Matches(page).First(m => m.Groups[1].Value == "__RequestVerificationToken").Groups[2].Value;
        return await http.PostAsync(everywhere ? "/account/logout-everywhere" : "/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));
    }

    /// <summary>The session cookie as a header value, to replay from another client.</summary>
    public string CookieHeader => Cookies.GetCookieHeader(http.BaseAddress!);

    public void Dispose() => http.Dispose();

    [GeneratedRegex("""<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"[^>]*?>""")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("""data-testid="login-error".*?mud-alert-message[^>]*>(.*?)</div>""", RegexOptions.Singleline)]
    private static partial Regex LoginError();
}
