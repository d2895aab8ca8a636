using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Web.Tests.Api;

namespace Portal.Web.Tests.Operations;

/// <summary>The operators' API beyond approvals: who may call it, the fleet, operator actions, the audit log and its export.</summary>
public sealed class OperatorApiTests(OperatorPortalFixture fixture) : IClassFixture<OperatorPortalFixture>
{
    [Fact]
    public async Task Customers_get_403_and_strangers_401_from_every_operator_route()
    {
        var customer = await fixture.CustomerApiAsync();
        using var anonymous = fixture.Portal.CreateClient();
        var routes = OperatorRoutes();
        Assert.True(routes.Count >= 10, $"only {routes.Count} operator routes found");

        foreach (var (method, path) in routes)
        {
            var forbidden = await customer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { comment = "x" }) });
            var problem = await HostApiHelpers.ProblemAsync(forbidden, HttpStatusCode.Forbidden);
            Assert.Equal("Forbidden", problem.GetProperty("title").GetString());
            var unauthenticated = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        }
    }

    [Fact]
    public async Task The_fleet_lists_every_customers_hosts_filtered_and_paged_on_the_server()
    {
        var ops = await fixture.OperatorAsync();
        var (first, _) = await fixture.HostAsync();
        var (second, _) = await fixture.HostAsync();
        await fixture.DbAsync(db => db.Hosts.Where(h => h.Id == second.Id).ExecuteUpdateAsync(h => h.SetProperty(x => x.State, HostState.Failed)));
        var firstSlug = await fixture.DbAsync(db => db.Customers.Where(c => c.Id == first.CustomerId).Select(c => c.Slug).SingleAsync());

        var byCustomer = await ops.Api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/hosts?customer={firstSlug}");
        var failed = await ops.Api.GetFromJsonAsync<JsonElement>("/api/v1/operations/hosts?state=failed&pageSize=100");
        var failing = await ops.Api.GetFromJsonAsync<JsonElement>("/api/v1/operations/hosts?failing=true&pageSize=100");
        var production = await ops.Api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/hosts?environment=production&customerId={second.CustomerId}");
        var onePerPage = await ops.Api.GetFromJsonAsync<JsonElement>("/api/v1/operations/hosts?pageSize=1&page=2");
        var badState = await HostApiHelpers.ProblemAsync(await ops.Api.GetAsync("/api/v1/operations/hosts?state=sleepy"), HttpStatusCode.BadRequest);

        var only = Assert.Single(byCustomer.GetProperty("items").EnumerateArray());
        Assert.Equal(first.Id, only.GetProperty("id").GetGuid());
        Assert.Equal(["dev", "staging", "production"], only.GetProperty("environments").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Equal([false, true, true], only.GetProperty("environments").EnumerateArray().Select(e => e.GetProperty("requiresApproval").GetBoolean()));
        Assert.Contains(failed.GetProperty("items").EnumerateArray(), h => h.GetProperty("id").GetGuid() == second.Id);
        Assert.DoesNotContain(failed.GetProperty("items").EnumerateArray(), h => h.GetProperty("id").GetGuid() == first.Id);
        Assert.Contains(failing.GetProperty("items").EnumerateArray(), h => h.GetProperty("id").GetGuid() == second.Id);
        Assert.Equal(second.Id, Assert.Single(production.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Single(onePerPage.GetProperty("items").EnumerateArray());
        Assert.True(onePerPage.GetProperty("total").GetInt32() >= 2);
        Assert.NotEmpty(HostApiHelpers.FieldErrors(badState, "state"));
    }

    [Fact]
    public async Task The_overview_counts_hosts_by_state_and_shows_failing_hosts_with_their_reasons_and_waiting_approvals()
    {
        var ops = await fixture.OperatorAsync();
        var (broken, _) = await fixture.HostAsync();
        await fixture.DbAsync(db => db.HostEnvironments.Where(e => e.HostId == broken.Id && e.Kind == EnvironmentKind.Dev)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.State, EnvironmentState.Failed).SetProperty(x => x.StateReason, "AWS refused cloudformation: boom")));
        await fixture.DbAsync(db => db.Hosts.Where(h => h.Id == broken.Id).ExecuteUpdateAsync(h => h
            .SetProperty(x => x.State, HostState.Failed).SetProperty(x => x.UpdatedAt, DateTimeOffset.UtcNow.AddDays(1))));
        var (host, projectId) = await fixture.HostAsync();
        var releaseId = await fixture.PushAsync(host, projectId, "staging");
        await fixture.WaitingAsync(releaseId);

        var overview = await ops.Api.GetFromJsonAsync<JsonElement>("/api/v1/operations/overview");
        var requeue = await HostApiHelpers.ProblemAsync(await ops.Api.PostAsync("/api/v1/operations/jobs/999999/requeue", null), HttpStatusCode.NotFound);

        Assert.True(overview.GetProperty("hostsByState").GetProperty("Failed").GetInt32() >= 1);
        Assert.True(overview.GetProperty("pendingApprovalCount").GetInt32() >= 1);
        var failing = overview.GetProperty("failingHosts").EnumerateArray().First();
        Assert.Equal(broken.Id, failing.GetProperty("hostId").GetGuid());
        Assert.Equal("AWS refused cloudformation: boom", failing.GetProperty("environments")[0].GetProperty("reason").GetString());
        Assert.Contains(overview.GetProperty("pendingApprovals").EnumerateArray(), r => r.GetProperty("releaseId").GetGuid() == releaseId);
        Assert.True(overview.GetProperty("failedJobCount").GetInt64() >= 0);
        Assert.Contains("999999", requeue.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_operator_stops_a_running_execution_and_the_release_shows_stopped()
    {
        var ops = await fixture.OperatorAsync();
        var (host, projectId) = await fixture.HostAsync();
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);

        var stopped = await ops.Api.PostAsJsonAsync($"/api/v1/operations/releases/{releaseId}/stop", new { reason = "wrong branch" });
        var again = await HostApiHelpers.ProblemAsync(await ops.Api.PostAsJsonAsync($"/api/v1/operations/releases/{releaseId}/stop", new { }), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        await fixture.ExecutionAsync(host.Pipelines[EnvironmentKind.Production], waiting.PipelineExecutionId!, "Stopped");
        await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Stopped);
        Assert.Contains("Only a running pipeline execution", again.GetProperty("detail").GetString());
        var audit = (await fixture.AuditAsync(host.Id)).Single(a => a.Action == "release.stopped");
        Assert.Contains("wrong branch", audit.Details);
        Assert.Equal(HttpStatusCode.OK, (await ops.Api.PostAsync($"/api/v1/operations/hosts/{host.Id}/resync", null)).StatusCode);
    }

    [Fact]
    public async Task Required_approvals_are_one_or_two_and_production_always_waits()
    {
        var ops = await fixture.OperatorAsync();
        var (host, _) = await fixture.HostAsync();

        var three = await HostApiHelpers.ProblemAsync(
            await ops.Api.PutAsJsonAsync($"/api/v1/operations/hosts/{host.Id}/required-approvals", new { requiredApprovals = 3 }), HttpStatusCode.BadRequest);
        var one = await ops.Api.PutAsJsonAsync($"/api/v1/operations/hosts/{host.Id}/required-approvals", new { requiredApprovals = 1 });
        var production = await HostApiHelpers.ProblemAsync(
            await ops.Api.PutAsJsonAsync($"/api/v1/operations/hosts/{host.Id}/environments/production/approval", new { required = false }), HttpStatusCode.BadRequest);
        var nowhere = await ops.Api.PutAsJsonAsync($"/api/v1/operations/hosts/{Guid.NewGuid()}/required-approvals", new { requiredApprovals = 1 });

        Assert.NotEmpty(HostApiHelpers.FieldErrors(three, "requiredApprovals"));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        // Lowering is only proposed: it waits for a second operator (ApprovalRuleTests).
        Assert.Equal(2, await fixture.DbAsync(db => db.Hosts.Where(h => h.Id == host.Id).Select(h => h.RequiredApprovals).SingleAsync()));
        Assert.Contains("always wait", HostApiHelpers.FieldErrors(production, "environment").Single());
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);
        var audit = (await fixture.AuditAsync(host.Id)).Single(a => a.Action == "host.required-approvals-proposed");
        Assert.Equal(ops.Email, audit.ActorName);
    }

    [Fact]
    public async Task The_audit_log_filters_pages_and_exports_the_same_entries_as_CSV()
    {
        var ops = await fixture.OperatorAsync();
        var (host, projectId) = await fixture.HostAsync();
        var releaseId = await fixture.PushAsync(host, projectId, "staging");
        await fixture.WaitingAsync(releaseId);
        const string comment = "=cmd, \"quoted\"\nsecond line";
        Assert.Equal(HttpStatusCode.OK, (await ops.Api.PostAsJsonAsync($"/api/v1/operations/approvals/{releaseId}/reject", new { comment })).StatusCode);
        await fixture.OperatorAsync(); // another operator's entries are not this host's
        var (other, _) = await fixture.HostAsync();
        await ops.Api.PutAsJsonAsync($"/api/v1/operations/hosts/{other.Id}/required-approvals", new { requiredApprovals = 1 });

        var listed = await ops.Api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/audit?hostId={host.Id}&action=release.&actor={Uri.EscapeDataString(ops.Email)}");
        var export = await ops.Api.GetAsync($"/api/v1/operations/audit.csv?hostId={host.Id}&action=release.");
        var everything = await ops.Api.GetFromJsonAsync<JsonElement>($"/api/v1/operations/audit?pageSize=1&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}");
        var badRange = await HostApiHelpers.ProblemAsync(await ops.Api.GetAsync("/api/v1/operations/audit?from=yesterday"), HttpStatusCode.BadRequest);

        var entry = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal("release.rejected", entry.GetProperty("action").GetString());
        Assert.Equal("web", entry.GetProperty("host").GetString());
        Assert.Contains(comment, entry.GetProperty("details").GetString());
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment", export.Content.Headers.ContentDisposition?.ToString());
        var rows = Csv.Parse(await export.Content.ReadAsStringAsync());
        Assert.Equal(["time_utc", "actor", "action", "customer", "host", "details", "source_address", "id"], rows[0]);
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal((ops.Email, "release.rejected", "web"), (row[1], row[2], row[4]));
        Assert.Contains(comment, row[5]);
        Assert.Equal(entry.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture), row[7]);
        Assert.Single(everything.GetProperty("items").EnumerateArray());
        Assert.True(everything.GetProperty("total").GetInt32() > 2);
        Assert.NotEmpty(HostApiHelpers.FieldErrors(badRange, "from"));
    }

    /// <summary>Every route under /api/v1/operations, its parameters filled in.</summary>
    private List<(string Method, string Path)> OperatorRoutes() =>
        fixture.Portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/operations", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (method,
                e.RoutePattern.RawText!.Replace("{releaseId:guid}", Guid.NewGuid().ToString()).Replace("{hostId:guid}", Guid.NewGuid().ToString())
                    .Replace("{environment}", "staging").Replace("{jobId}", "1"))))
            .ToList();
}

/// <summary>Reads RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.</summary>
internal static class Csv
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add(row); }
        return rows;
    }
}
