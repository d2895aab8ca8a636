using System.Net;
using System.Text;
using Portal.Data.Entities;
using Portal.Web.Edge;

namespace Portal.Web.Tests.Edge;

public sealed class HygienePortal : EdgePortal;

/// <summary>What an attacker types never reaches Postgres as text it cannot store, and never earns a 5xx.</summary>
public sealed class InputHygieneTests(HygienePortal fixture) : IClassFixture<HygienePortal>
{
    [Theory]
    [InlineData("/api/v1/hosts?search=a%00b")]
    [InlineData("/api/v1/hosts?state=%00")]
    [InlineData("/api/v1/hosts?search=%ED%A0%80")]
    public async Task Nul_in_a_customers_query_or_route_is_refused_with_400_and_one_log_line(string path)
    {
        var api = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Customer)));
        var before = fixture.Logs.Lines.Count;

        var response = await api.GetAsync(path);

        // An invalid UTF-8 sequence is decoded as U+FFFD, which is storable: that one is answered like any search.
        if (path.Contains("%ED")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        else
        {
            await EdgePortal.ProblemAsync(response, HttpStatusCode.BadRequest);
            var lines = fixture.Logs.Lines.Skip(before).Where(l => l.Category.Contains(nameof(InputHygiene))).ToList();
            var line = Assert.Single(lines);
            Assert.Null(line.Exception);
            Assert.Contains("Refused GET", line.Message);
        }
    }

    [Fact]
    public async Task Operators_filters_with_nul_are_refused_and_the_audit_csv_is_a_400_problem_not_an_empty_file()
    {
        var api = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Operator)));

        foreach (var path in new[]
                 {
                     "/api/v1/operations/audit.csv?actor=%00", "/api/v1/operations/audit?action=x%00",
                     "/api/v1/operations/hosts?search=%00", "/api/v1/operations/hosts?customer=%00",
                 })
        {
            var response = await api.GetAsync(path);
            Assert.Null(response.Content.Headers.ContentDisposition);
            await EdgePortal.ProblemAsync(response, HttpStatusCode.BadRequest);
        }
    }

    [Theory]
    [InlineData("{\"name\":\"ci\\u0000bot\"}")]
    [InlineData("{\"name\":\"\\ud800\"}")]
    [InlineData("{\"na\\u0000me\":\"ci\"}")]
    public async Task Json_bodies_with_text_postgres_cannot_store_are_refused(string body)
    {
        var api = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Customer)));

        var response = await api.PostAsync("/api/v1/tokens", new StringContent(body, Encoding.UTF8, "application/json"));

        await EdgePortal.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/v1/hosts/we%00b/releases")]
    [InlineData("/api/v1/operations/jobs/12%00/requeue")]
    public async Task Nul_in_a_path_is_refused_by_the_server_itself_with_400(string path)
    {
        var api = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Operator)));

        // Kestrel refuses a request target with an encoded NUL before the portal sees it: a 400 without a body.
        Assert.Equal(HttpStatusCode.BadRequest, (await api.SendAsync(new HttpRequestMessage(HttpMethod.Post, path))).StatusCode);
    }

    [Fact]
    public async Task A_sign_in_form_with_nul_is_refused_with_400()
    {
        var session = new CookieSession(fixture.Portal.CreateClient());
        var antiforgery = await session.LoginFormAsync();

        var response = await session.PostLoginAsync(antiforgery, "a\0@example.test", "x");

        await EdgePortal.ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/v1/hosts")]
    [InlineData("/api/v1/hosts/web/changes")]
    [InlineData("/api/v1/hosts/web/environments/dev/events")]
    [InlineData("/api/v1/hosts/web/releases")]
    [InlineData("/api/v1/operations/approvals")]
    [InlineData("/api/v1/operations/hosts")]
    [InlineData("/api/v1/operations/audit")]
    public async Task Paging_beyond_its_bounds_is_a_400_on_every_paged_route(string route)
    {
        var role = route.Contains("/operations/") ? PortalRoles.Operator : PortalRoles.Customer;
        var api = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(role)));

        foreach (var (query, field) in new[]
                 {
                     ("page=2147483647", "page"), ("page=10001", "page"), ("page=0", "page"), ("page=-1", "page"),
                     ("pageSize=0", "pageSize"), ("pageSize=201", "pageSize"), ("pageSize=2147483647", "pageSize"),
                 })
        {
            var problem = await EdgePortal.ProblemAsync(await api.GetAsync($"{route}?{query}"), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{route}?{query}: {problem}");
        }
        var lastPage = await api.GetAsync($"{route}?page=10000&pageSize=1");
        Assert.True(lastPage.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{route}: {(int)lastPage.StatusCode}"); // no host "web": 404
    }

    [Fact]
    public async Task The_approvals_page_far_beyond_its_last_page_renders_instead_of_failing()
    {
        var session = await CookieSession.SignInAsync(fixture.Portal.CreateClient(), (await fixture.UserAsync(PortalRoles.Operator)).Email!, EdgePortal.Password);

        var response = await session.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/operations/approvals?page=2147483647"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("abc", HttpStatusCode.NotFound)]
    [InlineData("99999999999999999999", HttpStatusCode.NotFound)]
    public async Task A_job_id_that_is_no_job_is_answered_4xx_on_requeue(string jobId, HttpStatusCode status)
    {
        var api = fixture.Portal.CreateClient(await fixture.TokenAsync(await fixture.UserAsync(PortalRoles.Operator)));

        var response = await api.PostAsync($"/api/v1/operations/jobs/{jobId}/requeue", null);

        await EdgePortal.ProblemAsync(response, status);
    }
}
