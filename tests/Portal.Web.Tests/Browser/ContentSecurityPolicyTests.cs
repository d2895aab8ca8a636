using Portal.Data.Entities;
using static Microsoft.Playwright.Assertions;

namespace Portal.Web.Tests.Browser;

/// <summary>
/// The portal's Content-Security-Policy (scripts: its own files and this page's nonce) leaves Blazor, MudBlazor and the
/// Scalar reference working: no violation is reported, neither as a console message nor as a securitypolicyviolation event.
/// </summary>
public sealed class ContentSecurityPolicyTests(PortalFixture fixture) : PortalBrowserTests(fixture)
{
    private const string Password = "Csp#Password1";

    private readonly List<string> console = [];

    [Fact]
    public async Task A_customer_page_runs_interactively_without_a_violation()
    {
        await WatchAsync();

        await SignInPage.SignInAsNewCustomerAsync(Page, Fixture.Portal, Password);
        await Page.GotoAsync("/hosts/new");
        await SignInPage.WaitUntilInteractiveAsync(Page);

        await AssertNoViolationAsync();
    }

    [Fact]
    public async Task An_operator_page_runs_interactively_without_a_violation()
    {
        await WatchAsync();
        var user = await Fixture.Portal.CreateUserAsync(PortalRoles.Operator, $"{Guid.NewGuid():N}@ops.example", Password);

        await SignInPage.SignInAsync(Page, user.Email!, Password);
        await Page.GotoAsync("/operations/fleet");
        await SignInPage.WaitUntilInteractiveAsync(Page);

        await AssertNoViolationAsync();
    }

    [Fact]
    public async Task The_api_reference_renders_the_document_without_a_violation()
    {
        await WatchAsync();

        await Page.GotoAsync("/api-reference/");
        await Expect(Page.GetByText("Order and follow your hosts").First).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // The one refusal that is allowed: Scalar's bundled Zod probes once whether it may compile parsers with
        // `Function("")` and, refused, parses without (its "jitless" mode). Allowing 'unsafe-eval' for that would
        // weaken the page for nothing.
        await AssertNoViolationAsync(allowEvalProbe: true);
    }

    private async Task WatchAsync()
    {
        Page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        Page.PageError += (_, error) => console.Add($"pageerror: {error}");
        // Init scripts are injected by the browser's debugging protocol, outside the page's policy.
        await Context.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => " +
            "window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
    }

    private async Task AssertNoViolationAsync(bool allowEvalProbe = false)
    {
        var violations = (await Page.EvaluateAsync<string[]>("window.__cspViolations"))
            .Where(v => !(allowEvalProbe && v == "script-src eval")).ToList();
        Assert.True(violations.Count == 0, $"CSP violations: {string.Join("; ", violations)}");
        var reported = console.Where(line => line.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)
                                             || line.Contains("Refused to", StringComparison.Ordinal))
            .Where(line => !(allowEvalProbe && line.Contains("Refused to evaluate a string as JavaScript", StringComparison.Ordinal)))
            .ToList();
        Assert.True(reported.Count == 0, $"Console: {string.Join(" | ", reported)}");
        Assert.DoesNotContain(console, line => line.StartsWith("pageerror", StringComparison.Ordinal));
    }
}
