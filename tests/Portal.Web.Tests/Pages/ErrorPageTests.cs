using System.Net;
using System.Text.Json;
using Portal.Web.Tests.Api;

namespace Portal.Web.Tests.Pages;

/// <summary>A failed request gets the portal's own answer: a page for a person, problem details for the API and the webhook.</summary>
public sealed class ErrorPageTests(JoblessPortalFixture jobless) : IClassFixture<JoblessPortalFixture>
{
    private readonly PortalFixture fixture = jobless.Fixture;

    [Fact]
    public async Task An_unknown_page_answers_404_with_the_portals_not_found_page()
    {
        using var client = fixture.Portal.CreateClient();

        using var response = await client.GetAsync("/no/such/page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"status-page\"", html);
        Assert.Contains("Not found", html);
    }

    [Theory]
    [InlineData("/api/v1/no-such-route")]
    [InlineData("/hooks/no-such-hook")]
    public async Task An_unknown_api_or_hook_route_answers_404_problem_details(string path)
    {
        using var client = fixture.Portal.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("<html", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_error_page_renders_a_reference_to_quote()
    {
        using var client = fixture.Portal.CreateClient();

        using var response = await client.GetAsync("/error");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"error-reference\"", html);
        Assert.Contains("Something went wrong", html);
    }
}
