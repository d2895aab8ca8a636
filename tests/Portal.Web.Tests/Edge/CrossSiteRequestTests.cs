using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;

namespace Portal.Web.Tests.Edge;

public sealed class CrossSitePortal : EdgePortal;

/// <summary>
/// The sign-in cookie is ambient authority: a page on another site (another port of the same host is "same-site") must
/// not be able to make a signed-in browser rotate a token or stop a release. Tokens carry no ambient authority.
/// </summary>
public sealed partial class CrossSiteRequestTests(CrossSitePortal fixture) : IClassFixture<CrossSitePortal>
{
    private const string RefusedTitle = "Cross-site request refused";

    [Fact]
    public async Task Every_unsafe_api_route_refuses_a_cookie_request_from_another_origin_with_403_problem()
    {
        var routes = UnsafeApiRoutes();
        Assert.True(routes.Count >= 20, $"Only {routes.Count} unsafe API routes found: {string.Join(", ", routes)}");

        foreach (var role in new[] { PortalRoles.Customer, PortalRoles.Operator })
        {
            var session = await CookieSession.SignInAsync(fixture.Portal.CreateClient(), (await fixture.UserAsync(role)).Email!, EdgePortal.Password);
            foreach (var (method, path) in routes)
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = EdgePortal.EmptyJson() };
                request.Headers.Add("Origin", "http://evil.example");
                request.Headers.Add("Sec-Fetch-Site", "cross-site");
                var problem = await EdgePortal.ProblemAsync(await session.SendAsync(request), HttpStatusCode.Forbidden);
                Assert.True(problem.GetProperty("title").GetString() == RefusedTitle, $"{method} {path} as {role}: {problem}");
            }
        }
    }

    [Theory]
    [InlineData("same-site", null)]
    [InlineData("cross-site", null)]
    [InlineData(null, "http://evil.example")]
    [InlineData(null, "null")]
    public async Task A_page_elsewhere_cannot_rotate_the_webhook_token(string? fetchSite, string? origin)
    {
        var (user, host) = await fixture.CustomerWithHostAsync();
        var session = await CookieSession.SignInAsync(fixture.Portal.CreateClient(), user.Email!, EdgePortal.Password);
        var before = await TokenHashAsync(host.Id);

        var response = await session.SendAsync(Rotate(host.Name, fetchSite, origin));

        await EdgePortal.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, await TokenHashAsync(host.Id));
    }

    [Theory]
    [InlineData("same-origin", null)]
    [InlineData(null, "self")]
    [InlineData(null, null)]
    public async Task The_portals_own_pages_and_tools_without_a_browser_still_rotate_it(string? fetchSite, string? origin)
    {
        var (user, host) = await fixture.CustomerWithHostAsync();
        var session = await CookieSession.SignInAsync(fixture.Portal.CreateClient(), user.Email!, EdgePortal.Password);

        var response = await session.SendAsync(Rotate(host.Name, fetchSite, origin == "self" ? fixture.Portal.BaseUrl.GetLeftPart(UriPartial.Authority) : origin));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_bearer_token_carries_no_ambient_authority_and_is_not_checked_for_origin()
    {
        var (user, host) = await fixture.CustomerWithHostAsync();
        var api = fixture.Portal.CreateClient(await fixture.TokenAsync(user));

        var response = await api.SendAsync(Rotate(host.Name, "cross-site", "http://evil.example"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_auth_cookie_is_SameSite_Strict_and_HttpOnly()
    {
        var session = await CookieSession.SignInAsync(fixture.Portal.CreateClient(), (await fixture.UserAsync(PortalRoles.Customer)).Email!, EdgePortal.Password);

        Assert.Contains("samesite=strict", session.AuthSetCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session.AuthSetCookie, StringComparison.OrdinalIgnoreCase);
        // Development over http: Secure would keep the cookie from ever coming back.
        Assert.DoesNotContain("secure", session.AuthSetCookie, StringComparison.OrdinalIgnoreCase);
    }

    private static HttpRequestMessage Rotate(string hostName, string? fetchSite, string? origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/hosts/{hostName}/webhook-token");
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return request;
    }

    private Task<string?> TokenHashAsync(Guid hostId) =>
        fixture.DbAsync(db => Task.FromResult(db.Hosts.Single(h => h.Id == hostId).WebhookTokenHash));

    /// <summary>Every POST, PUT, PATCH and DELETE the portal maps under /api, with made-up route values.</summary>
    private List<(string Method, string Path)> UnsafeApiRoutes()
    {
        var endpoints = fixture.Portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => m is "POST" or "PUT" or "PATCH" or "DELETE")
                .Select(m => (m, RouteValue().Replace(e.RoutePattern.RawText!, v => v.Value.Contains(":guid") ? Guid.NewGuid().ToString() : "x1"))))
            .Distinct()
            .ToList();
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteValue();
}
