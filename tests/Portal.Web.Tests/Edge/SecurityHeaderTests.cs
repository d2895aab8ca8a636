using System.Net;
using System.Text.RegularExpressions;
using Portal.Data.Entities;

namespace Portal.Web.Tests.Edge;

public sealed class HeadersPortal : EdgePortal;

/// <summary>Every answer — page, API, CSV, error — tells the browser what it may run and send.</summary>
public sealed partial class SecurityHeaderTests(HeadersPortal fixture) : IClassFixture<HeadersPortal>
{
    [Fact]
    public async Task Pages_api_csv_and_errors_carry_the_security_headers_and_no_server_header()
    {
        var customer = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Customer)));
        var operatorApi = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Operator)));
        var anonymous = fixture.Portal.CreateClient();

        var answers = new Dictionary<string, HttpResponseMessage>
        {
            ["page"] = await anonymous.GetAsync("/account/login"),
            ["api"] = await customer.GetAsync("/api/v1/me"),
            ["csv"] = await operatorApi.GetAsync("/api/v1/operations/audit.csv"),
            ["api 404"] = await customer.GetAsync("/api/v1/hosts/nothing-here"),
            ["page 404"] = await anonymous.GetAsync("/no/such/page"),
        };

        Assert.Equal("text/csv", answers["csv"].Content.Headers.ContentType?.MediaType);
        foreach (var (what, response) in answers)
        {
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Matches(ScriptSource(), csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("object-src 'none'", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.False(response.Headers.Contains("Server"), $"{what} names its server");
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{what}: HSTS over plain http");
        }
    }

    [Fact]
    public async Task Each_page_gets_a_nonce_of_its_own_on_its_inline_script()
    {
        var anonymous = fixture.Portal.CreateClient();

        var first = await anonymous.GetAsync("/account/login");
        var second = await anonymous.GetAsync("/account/login");

        var nonce = ScriptSource().Match(first.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        Assert.NotEqual(nonce, ScriptSource().Match(second.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value);
        var html = await first.Content.ReadAsStringAsync();
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html);
    }

    [Fact]
    public async Task In_development_the_api_reference_is_public_and_its_scripts_carry_the_nonce()
    {
        var anonymous = fixture.Portal.CreateClient();

        var reference = await anonymous.GetAsync("/api-reference/");
        var document = await anonymous.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var nonce = ScriptSource().Match(reference.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        var html = await reference.Content.ReadAsStringAsync();
        var scripts = Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag));
    }

    /// <summary>script-src is the portal's own files plus one nonce: never 'unsafe-inline'.</summary>
    [GeneratedRegex("script-src 'self' 'nonce-([A-Za-z0-9_-]{24})';")]
    private static partial Regex ScriptSource();
}

public sealed class SignedInReferencePortal : EdgePortal
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Portal:ApiReference"] = "SignedIn" };
}

public sealed class SignedInReferenceTests(SignedInReferencePortal fixture) : IClassFixture<SignedInReferencePortal>
{
    [Fact]
    public async Task Signed_in_only_the_reference_and_document_ask_strangers_to_sign_in()
    {
        var anonymous = fixture.Portal.CreateClient();
        var signedIn = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Customer)));

        foreach (var path in new[] { "/api-reference/", "/openapi/v1.json" })
        {
            var refused = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/account/login", refused.Headers.Location!.ToString());
            Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync(path)).StatusCode);
        }
    }
}

public sealed class NoReferencePortal : EdgePortal
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Portal:ApiReference"] = "Off" };
}

public sealed class NoReferenceTests(NoReferencePortal fixture) : IClassFixture<NoReferencePortal>
{
    [Fact]
    public async Task Turned_off_there_is_no_reference_and_no_document_even_signed_in()
    {
        var signedIn = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Operator)));

        Assert.Equal(HttpStatusCode.NotFound, (await signedIn.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await signedIn.GetAsync("/api-reference/")).StatusCode);
    }
}
