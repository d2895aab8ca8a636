using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Auth.Mfa;

namespace Portal.Web.Tests.People;

/// <summary>
/// Two-step sign-in over real HTTP, with operators required to use an authenticator: enrolment, the code after the
/// password, no replay, single-use recovery codes, pacing, and turning it off only with a proof.
/// </summary>
public sealed class MfaTests(MfaFixture fixture) : IClassFixture<MfaFixture>
{
    private readonly Totp clock = new(TimeProvider.System);

    [Fact]
    public async Task An_operator_without_an_authenticator_can_only_enrol_one_and_then_signs_in_with_its_code()
    {
        var email = $"mfa-op-{Guid.NewGuid():N}@example.test";
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Operator, email, PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        var signIn = await browser.SignInAsync(email, PeopleApi.Password);
        Assert.Equal("/account/mfa", PathOf(signIn));

        // Signed in, but nothing else is allowed: no operator page, no API, not even the account's API tokens.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.GetAsync("/api/v1/operations/approvals")).StatusCode);
        var token = await new PeopleApi(fixture).TokenForAsync(user);
        using var tokenApi = fixture.Portal.CreateClient(token);
        Assert.Equal(HttpStatusCode.Forbidden, (await tokenApi.GetAsync("/api/v1/operations/approvals")).StatusCode);

        var (secret, enrolStep) = await MfaForms.EnrolAsync(browser);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tokenApi.GetAsync("/api/v1/operations/approvals")).StatusCode);

        // Next sign-in: the password alone starts no session; the code of the step used at enrolment is not taken again.
        using var again = new FormClient(fixture.Portal);
        var password = await again.SignInAsync(email, PeopleApi.Password);
        Assert.Equal(AuthenticatorSignIn.CodePage, PathOf(password));
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Contains("not right, or was used already", await MfaForms.CodeErrorAsync(await MfaForms.SubmitCodeAsync(again, Totp.CodeAt(secret, enrolStep))));

        var next = Math.Max(clock.CurrentStep, enrolStep + 1);
        Assert.Equal(HttpStatusCode.Redirect, (await MfaForms.SubmitCodeAsync(again, Totp.CodeAt(secret, next))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.Http.GetAsync("/api/v1/me")).StatusCode);

        // The same code a moment later, in another sign-in: refused (a step is accepted once).
        using var replay = new FormClient(fixture.Portal);
        await replay.SignInAsync(email, PeopleApi.Password);
        Assert.Contains("was used already", await MfaForms.CodeErrorAsync(await MfaForms.SubmitCodeAsync(replay, Totp.CodeAt(secret, next))));

        var audit = await AuditOfAsync(user.Id);
        Assert.Contains("account.mfa-enabled", audit);
        Assert.Contains("account.mfa-code-refused", audit);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_and_wrong_codes_are_paced_like_passwords()
    {
        var email = $"mfa-rc-{Guid.NewGuid():N}@example.test";
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Operator, email, PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        await browser.SignInAsync(email, PeopleApi.Password);
        var (_, _, codes) = await MfaForms.EnrolWithCodesAsync(browser);
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        var stored = await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<PortalDbContext>().RecoveryCodes.Where(c => c.UserId == user.Id).Select(c => c.CodeHash).ToListAsync());
        Assert.Equal(10, stored.Count);
        Assert.DoesNotContain(stored, hash => codes.Any(code => hash.Contains(code.Replace("-", ""), StringComparison.OrdinalIgnoreCase)));

        using (var first = new FormClient(fixture.Portal))
        {
            await first.SignInAsync(email, PeopleApi.Password);
            Assert.Equal(HttpStatusCode.Redirect, (await MfaForms.SubmitCodeAsync(first, codes[0].ToLowerInvariant())).StatusCode);
            Assert.Contains("data-testid=\"mfa-codes-left\">9<", await first.Http.GetStringAsync("/account/mfa"));
        }
        using (var second = new FormClient(fixture.Portal))
        {
            await second.SignInAsync(email, PeopleApi.Password);
            Assert.Contains("was used already", await MfaForms.CodeErrorAsync(await MfaForms.SubmitCodeAsync(second, codes[0])));
            // Three free mistakes in all (the reused code was one), then even a good code waits.
            await MfaForms.SubmitCodeAsync(second, "000000");
            await MfaForms.SubmitCodeAsync(second, "111111");
            Assert.Contains("Too many failed codes", await MfaForms.CodeErrorAsync(await MfaForms.SubmitCodeAsync(second, codes[1])));
        }
        Assert.Contains("account.mfa-recovery-code-used", await AuditOfAsync(user.Id));
    }

    [Fact]
    public async Task Turning_it_off_or_renewing_codes_needs_the_password_or_a_code_and_ends_other_sessions()
    {
        var email = $"mfa-off-{Guid.NewGuid():N}@example.test";
        var user = await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        // Optional for customers: signed in without one, and nothing is refused.
        Assert.Equal("/", PathOf(await browser.SignInAsync(email, PeopleApi.Password)));
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        var (_, _, oldCodes) = await MfaForms.EnrolWithCodesAsync(browser);

        using var other = new FormClient(fixture.Portal);
        await other.SignInAsync(email, PeopleApi.Password);
        var (secret, _) = await SecretOfAsync(user.Id);
        await MfaForms.SubmitCodeAsync(other, Totp.CodeAt(secret, clock.CurrentStep + 1));
        Assert.Equal(HttpStatusCode.OK, (await other.Http.GetAsync("/api/v1/me")).StatusCode);

        var wrong = await browser.PostFormAsync("/account/mfa", new Dictionary<string, string> { ["Disable.Proof"] = "not my password" }, "mfa-disable");
        Assert.Contains("neither your password nor a valid code", await wrong.Content.ReadAsStringAsync());

        var renewed = await browser.PostFormAsync("/account/mfa", new Dictionary<string, string> { ["Renew.Proof"] = PeopleApi.Password }, "mfa-renew");
        var newCodes = MfaForms.RecoveryCodes(await renewed.Content.ReadAsStringAsync());
        Assert.Equal(10, newCodes.Count);
        Assert.Empty(newCodes.Intersect(oldCodes));

        var off = await browser.PostFormAsync("/account/mfa", new Dictionary<string, string> { ["Disable.Proof"] = newCodes[3] }, "mfa-disable");
        Assert.Contains("Two-step sign-in is off", await off.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.Http.GetAsync("/api/v1/me")).StatusCode);
        Assert.False(await fixture.Portal.WithScopeAsync(services =>
            services.GetRequiredService<PortalDbContext>().RecoveryCodes.AnyAsync(c => c.UserId == user.Id)));

        using var plain = new FormClient(fixture.Portal);
        Assert.Equal("/", PathOf(await plain.SignInAsync(email, PeopleApi.Password)));
        var audit = await AuditOfAsync(user.Id);
        Assert.Contains("account.mfa-recovery-codes-renewed", audit);
        Assert.Contains("account.mfa-disabled", audit);
    }

    [Fact]
    public async Task The_code_page_without_a_password_first_and_bad_input_get_a_clear_answer()
    {
        using var stranger = new FormClient(fixture.Portal);
        var page = await stranger.Http.GetStringAsync(AuthenticatorSignIn.CodePage);
        Assert.Contains("took too long", page);
        var response = await MfaForms.SubmitCodeAsync(stranger, "123456");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("took too long", await MfaForms.CodeErrorAsync(response));

        var email = $"mfa-bad-{Guid.NewGuid():N}@example.test";
        await fixture.Portal.CreateUserAsync(PortalRoles.Operator, email, PeopleApi.Password);
        using var browser = new FormClient(fixture.Portal);
        await browser.SignInAsync(email, PeopleApi.Password);
        var bad = await browser.PostFormAsync("/account/mfa", new Dictionary<string, string> { ["Enrol.Code"] = "12ab" }, "mfa-enrol");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("The code has 6 digits.", await bad.Content.ReadAsStringAsync());
        var wrong = await browser.PostFormAsync("/account/mfa", new Dictionary<string, string> { ["Enrol.Code"] = "000000" }, "mfa-enrol");
        Assert.Contains("data-testid=\"mfa-enrol-error\"", await wrong.Content.ReadAsStringAsync());
    }

    private Task<(byte[] Secret, long Step)> SecretOfAsync(Guid userId) => fixture.Portal.WithScopeAsync(async services =>
    {
        // The test reads the secret the way the portal does (it is encrypted at rest), to act as a second device.
        var row = await services.GetRequiredService<PortalDbContext>().UserAuthenticators.SingleAsync(a => a.UserId == userId);
        Assert.DoesNotMatch("^[A-Z2-7]+$", row.ProtectedSecret);
        var protector = services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("Portal.Mfa.AuthenticatorSecret");
        return (Base32.Decode(protector.Unprotect(row.ProtectedSecret)), row.LastAcceptedStep);
    });

    private string PathOf(HttpResponseMessage redirect) =>
        new Uri(fixture.Portal.BaseUrl, redirect.Headers.Location ?? throw new InvalidOperationException($"No redirect: {redirect.StatusCode}")).AbsolutePath;

    private Task<List<string>> AuditOfAsync(Guid userId) => fixture.Portal.WithScopeAsync(services =>
        services.GetRequiredService<PortalDbContext>().AuditEntries.Where(e => e.ActorId == userId).Select(e => e.Action).ToListAsync());

}
