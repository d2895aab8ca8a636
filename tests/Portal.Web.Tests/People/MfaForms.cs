using System.Net;
using System.Text.RegularExpressions;
using Portal.Web.Auth.Mfa;

namespace Portal.Web.Tests.People;

/// <summary>What a person does on the two-step sign-in pages, over HTTP: the key read from the page, codes computed as an app would.</summary>
internal static partial class MfaForms
{
    public static async Task<(byte[] Secret, long Step)> EnrolAsync(FormClient browser)
    {
        var (secret, step, _) = await EnrolWithCodesAsync(browser);
        return (secret, step);
    }

    /// <summary>Reads the key the page shows, computes its current code as an app would, and turns the authenticator on.</summary>
    public static async Task<(byte[] Secret, long Step, List<string> Codes)> EnrolWithCodesAsync(FormClient browser)
    {
        var page = await browser.Http.GetStringAsync("/account/mfa");
        var secret = Base32.Decode(KeyShown().Match(page).Groups[1].Value);
        var step = new Totp(TimeProvider.System).CurrentStep;
        var response = await browser.PostFormAsync("/account/mfa",
            new Dictionary<string, string> { ["Enrol.Code"] = Totp.CodeAt(secret, step) }, "mfa-enrol");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Contains("data-testid=\"recovery-codes\""), body);
        return (secret, step, RecoveryCodes(body));
    }

    public static Task<HttpResponseMessage> SubmitCodeAsync(FormClient browser, string code) =>
        browser.PostFormAsync(AuthenticatorSignIn.CodePage, new Dictionary<string, string> { ["Input.Code"] = code });

    public static async Task<string> CodeErrorAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var match = CodeError().Match(body);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : $"(no error; {response.StatusCode})";
    }

    public static List<string> RecoveryCodes(string page) =>
        RecoveryCode().Matches(page).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("""data-testid="mfa-key">([A-Z2-7 ]+)<""")]
    private static partial Regex KeyShown();

    [GeneratedRegex("""<code>([A-Z2-7]{5}-[A-Z2-7]{5})</code>""")]
    private static partial Regex RecoveryCode();

    [GeneratedRegex("""data-testid="mfa-code-error">([^<]*)<""")]
    private static partial Regex CodeError();
}
