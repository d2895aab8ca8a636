using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;
using Portal.Web.People;

namespace Portal.Web.Tests.People;

/// <summary>Password change and reset by e-mail (a real SMTP server), over real HTTP with the portal's own forms.</summary>
public sealed class PasswordTests(PeopleFixture fixture) : IClassFixture<PeopleFixture>
{
    private const string NewPassword = "Another#Password2";

    [Fact]
    public async Task A_change_needs_the_current_password_and_ends_the_other_sessions_only()
    {
        var email = $"pw-change-{Guid.NewGuid():N}@example.test";
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        using var other = new FormClient(fixture.Portal);
        await browser.SignInAsync(email, PeopleApi.Password);
        await other.SignInAsync(email, PeopleApi.Password);

        var wrong = await ChangeAsync(browser, "not it", NewPassword);
        Assert.Contains("data-testid=\"current-error\">That is not your current password.", wrong);
        var weak = await ChangeAsync(browser, PeopleApi.Password, "short");
        Assert.Contains("Use 10 to 200 characters.", weak);
        var refused = await ChangeAsync(browser, PeopleApi.Password, "longbutnodigits");
        Assert.Contains("data-testid=\"new-password-error\"", refused);

        Assert.Contains("data-testid=\"password-changed\"", await ChangeAsync(browser, PeopleApi.Password, NewPassword));
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.Http.GetAsync("/api/v1/me")).StatusCode);

        using var fresh = new FormClient(fixture.Portal);
        Assert.Equal(PasswordSignInWrong, await FormClient.SignInErrorAsync(await fresh.SignInAsync(email, PeopleApi.Password)));
        Assert.Null(await FormClient.SignInErrorAsync(await fresh.SignInAsync(email, NewPassword)));
        Assert.Contains("account.password-changed", await AuditOfAsync(user.Id));
    }

    [Fact]
    public async Task A_reset_link_is_mailed_works_once_ends_every_session_and_keeps_two_step_sign_in()
    {
        var email = $"pw-reset-{Guid.NewGuid():N}@example.test";
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        using var signedIn = new FormClient(fixture.Portal);
        await signedIn.SignInAsync(email, PeopleApi.Password);
        var (secret, step) = await MfaForms.EnrolAsync(signedIn);

        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        using var stranger = new FormClient(fixture.Portal);
        var forKnown = await RequestResetAsync(stranger, email);
        var forUnknown = await RequestResetAsync(stranger, unknown);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Passwords.ResetRequested), forKnown);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Passwords.ResetRequested), forUnknown);

        var link = (await fixture.Mail.WaitForAsync(email, "Reset your Portal password")).LinkTo("/account/password/reset");
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        Assert.DoesNotContain(await fixture.Mail.MessagesAsync(), m => m.IsTo(unknown));
        var stored = await fixture.Portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            return (await db.OutgoingMails.Select(m => m.Body + m.Link).ToListAsync())
                .Concat(await db.PasswordResets.Select(r => r.TokenHash).ToListAsync()).ToList();
        });
        Assert.All(stored, text => Assert.DoesNotContain(token, text));

        using var resetter = new FormClient(fixture.Portal);
        var path = new Uri(link).PathAndQuery;
        var mismatch = await resetter.PostFormAsync(path, new Dictionary<string, string> { ["Input.Password"] = NewPassword, ["Input.Confirm"] = "other" });
        Assert.Contains("The two passwords differ.", await mismatch.Content.ReadAsStringAsync());
        var done = await resetter.PostFormAsync(path, new Dictionary<string, string> { ["Input.Password"] = NewPassword, ["Input.Confirm"] = NewPassword });
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("data-testid=\"reset-unusable\"", await resetter.Http.GetStringAsync(path));
        Assert.Equal(HttpStatusCode.Unauthorized, (await signedIn.Http.GetAsync("/api/v1/me")).StatusCode);

        // The new password is the first step only: the authenticator is still asked for.
        using var after = new FormClient(fixture.Portal);
        Assert.Equal(PasswordSignInWrong, await FormClient.SignInErrorAsync(await after.SignInAsync(email, PeopleApi.Password)));
        var next = await after.SignInAsync(email, NewPassword);
        Assert.EndsWith(AuthenticatorSignIn.CodePage, new Uri(fixture.Portal.BaseUrl, next.Headers.Location!).AbsolutePath);
        var code = Totp.CodeAt(secret, Math.Max(new Totp(TimeProvider.System).CurrentStep, step + 1));
        Assert.Equal(HttpStatusCode.Redirect, (await MfaForms.SubmitCodeAsync(after, code)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await after.Http.GetAsync("/api/v1/me")).StatusCode);

        var audit = await AuditOfAsync(user.Id);
        Assert.Contains("account.password-reset-requested", audit);
        Assert.Contains("account.password-reset", audit);
    }

    [Fact]
    public async Task An_expired_or_made_up_link_and_bad_input_get_a_clear_answer()
    {
        var email = $"pw-late-{Guid.NewGuid():N}@example.test";
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        await RequestResetAsync(browser, email);
        var link = (await fixture.Mail.WaitForAsync(email, "Reset your Portal password")).LinkTo("/account/password/reset");
        await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().PasswordResets
            .Where(r => r.UserId == user.Id).ExecuteUpdateAsync(set => set.SetProperty(r => r.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        Assert.Contains("data-testid=\"reset-unusable\"", await browser.Http.GetStringAsync(new Uri(link).PathAndQuery));
        Assert.Contains("data-testid=\"reset-unusable\"", await browser.Http.GetStringAsync("/account/password/reset?token=pwr_made-up"));
        Assert.Contains("data-testid=\"reset-unusable\"", await browser.Http.GetStringAsync("/account/password/reset"));

        var bad = await browser.PostFormAsync("/account/password/forgot", new Dictionary<string, string> { ["Input.Email"] = "not an address" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("Enter a valid e-mail address.", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await new FormClient(fixture.Portal).SignInAsync(email, PeopleApi.Password)).StatusCode);
    }

    [Fact]
    public async Task Single_sign_on_is_off_when_no_provider_is_configured()
    {
        using var browser = new FormClient(fixture.Portal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Http.GetAsync("/account/sso")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Http.GetAsync("/account/sso/complete")).StatusCode);
        Assert.DoesNotContain("data-testid=\"sso-sign-in\"", await browser.Http.GetStringAsync("/account/login"));
    }

    private const string PasswordSignInWrong = Portal.Web.Auth.PasswordSignIn.WrongCredentials;

    private static async Task<string> ChangeAsync(FormClient browser, string current, string replacement) =>
        await (await browser.PostFormAsync("/account/password", new Dictionary<string, string>
        {
            ["Input.Current"] = current,
            ["Input.Replacement"] = replacement,
            ["Input.Confirm"] = replacement,
        })).Content.ReadAsStringAsync();

    private static async Task<string> RequestResetAsync(FormClient browser, string email) =>
        await (await browser.PostFormAsync("/account/password/forgot", new Dictionary<string, string> { ["Input.Email"] = email }))
            .Content.ReadAsStringAsync();

    private Task<List<string>> AuditOfAsync(Guid userId) => fixture.Portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().AuditEntries.Where(e => e.ActorId == userId).Select(e => e.Action).ToListAsync());
}
