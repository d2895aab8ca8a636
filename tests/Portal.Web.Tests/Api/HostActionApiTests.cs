using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Api;

/// <summary>
/// Retry and decommission through the API. No jobs run here, so each test puts the host into the state it needs;
/// the operations themselves (stacks deleted, retried to Active) are shown end to end by the browser tests.
/// </summary>
public sealed class HostActionApiTests(JoblessPortalFixture jobless) : IClassFixture<JoblessPortalFixture>
{
    private const string AwsReason = "DatabaseInstance: CREATE_FAILED (The requested DB instance class is not available)";
    private readonly HostApiHelpers helpers = new(jobless.Fixture);

    [Fact]
    public async Task Retrying_a_failed_host_answers_202_starts_the_failed_environment_again_and_is_audited_as_the_customer()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "flaky", production: true);
        var customerId = user.CustomerId!.Value;
        await FailAsync(customerId, "flaky", EnvironmentKind.Production);
        var failed = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/flaky");
        Assert.Equal("Failed", failed.GetProperty("state").GetString());
        Assert.Contains(AwsReason, failed.GetProperty("stateReason").GetString());

        var response = await api.PostAsync("/api/v1/hosts/flaky/retry", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/v1/hosts/flaky", response.Headers.Location?.OriginalString);
        var host = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Provisioning", host.GetProperty("state").GetString());
        var production = host.GetProperty("environments").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "production");
        Assert.Equal("Provisioning", production.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, production.GetProperty("stateReason").ValueKind);

        var stored = await helpers.HostAsync(customerId, "flaky");
        Assert.Equal(HostState.Provisioning, stored.State);
        var audit = await helpers.DbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.HostId == stored.Id && a.Action == "host.retry"));
        Assert.Equal((user.Id, customerId), (audit.ActorId, audit.CustomerId));
        Assert.Contains("Production", audit.Details);
    }

    [Fact]
    public async Task Retrying_when_nothing_failed_is_a_409_problem_and_changes_nothing()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "healthy");
        var before = await helpers.HostAsync(user.CustomerId!.Value, "healthy");

        var problem = await HostApiHelpers.ProblemAsync(await api.PostAsync("/api/v1/hosts/healthy/retry", null), HttpStatusCode.Conflict);

        Assert.Equal("Cannot retry the host", problem.GetProperty("title").GetString());
        Assert.Contains("nothing to retry", problem.GetProperty("detail").GetString());
        var after = await helpers.HostAsync(user.CustomerId!.Value, "healthy");
        Assert.Equal((before.State, before.UpdatedAt), (after.State, after.UpdatedAt));
        Assert.False(await helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == before.Id && a.Action == "host.retry")));
    }

    [Fact]
    public async Task Deleting_without_the_name_as_confirmation_is_a_400_with_a_field_error_and_changes_nothing()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "keep");
        await helpers.ActivateAsync(user.CustomerId!.Value, "keep");

        foreach (var route in new[] { "/api/v1/hosts/keep", "/api/v1/hosts/keep?confirm=", "/api/v1/hosts/keep?confirm=kee", "/api/v1/hosts/keep?confirm=KEEP" })
        {
            var problem = await HostApiHelpers.ProblemAsync(await api.DeleteAsync(route), HttpStatusCode.BadRequest);
            Assert.Equal("Confirm the decommission.", problem.GetProperty("title").GetString());
            Assert.Contains("Type the host's name, 'keep', to confirm", Assert.Single(HostApiHelpers.FieldErrors(problem, "confirm")));
        }

        var host = await helpers.HostAsync(user.CustomerId!.Value, "keep");
        Assert.Equal(HostState.Active, host.State);
        Assert.All(host.Environments, e => Assert.Equal(EnvironmentState.Active, e.State));
    }

    [Fact]
    public async Task Deleting_with_the_name_confirmed_answers_202_starts_decommissioning_and_is_audited_as_the_customer()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "retire", production: true);
        var customerId = user.CustomerId!.Value;
        await helpers.ActivateAsync(customerId, "retire");

        var response = await api.DeleteAsync("/api/v1/hosts/retire?confirm=retire");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/v1/hosts/retire", response.Headers.Location?.OriginalString);
        var host = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Decommissioning", host.GetProperty("state").GetString());
        Assert.All(host.GetProperty("environments").EnumerateArray(), e => Assert.Equal("Decommissioning", e.GetProperty("state").GetString()));

        var stored = await helpers.HostAsync(customerId, "retire");
        Assert.Equal(HostState.Decommissioning, stored.State);
        Assert.All(stored.Environments, e => Assert.Equal(EnvironmentOperation.Decommission, e.Operation));
        var audit = await helpers.DbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.HostId == stored.Id && a.Action == "host.decommission-started"));
        Assert.Equal((user.Id, customerId), (audit.ActorId, audit.CustomerId));

        // A second delete meets the one under way.
        var again = await HostApiHelpers.ProblemAsync(await api.DeleteAsync("/api/v1/hosts/retire?confirm=retire"), HttpStatusCode.Conflict);
        Assert.Equal("Cannot decommission the host", again.GetProperty("title").GetString());
        Assert.Contains("already Decommissioning", again.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Deleting_while_the_host_is_being_provisioned_is_a_409_problem_and_changes_nothing()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "young");
        var before = await helpers.HostAsync(user.CustomerId!.Value, "young");
        Assert.Equal(HostState.Provisioning, before.State);

        var problem = await HostApiHelpers.ProblemAsync(await api.DeleteAsync("/api/v1/hosts/young?confirm=young"), HttpStatusCode.Conflict);

        Assert.Contains("Dev is Provisioning; decommission when it has finished.", problem.GetProperty("detail").GetString());
        var after = await helpers.HostAsync(user.CustomerId!.Value, "young");
        Assert.Equal((HostState.Provisioning, before.UpdatedAt), (after.State, after.UpdatedAt));
        Assert.All(after.Environments, e => Assert.Equal(EnvironmentOperation.Provision, e.Operation));
    }

    [Fact]
    public async Task A_failed_host_can_be_decommissioned_and_a_decommissioned_host_neither_retried_nor_deleted_again()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "broken");
        var customerId = user.CustomerId!.Value;
        await FailAsync(customerId, "broken", EnvironmentKind.Dev);

        Assert.Equal(HttpStatusCode.Accepted, (await api.DeleteAsync("/api/v1/hosts/broken?confirm=broken")).StatusCode);
        await helpers.DbAsync(async db =>
        {
            await db.HostEnvironments.Where(e => e.Host.CustomerId == customerId && e.Host.Name == "broken")
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EnvironmentState.Decommissioned).SetProperty(e => e.Operation, EnvironmentOperation.None));
            return await db.Hosts.Where(h => h.CustomerId == customerId && h.Name == "broken")
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.State, HostState.Decommissioned));
        });

        var retry = await HostApiHelpers.ProblemAsync(await api.PostAsync("/api/v1/hosts/broken/retry", null), HttpStatusCode.Conflict);
        Assert.Contains("nothing to retry", retry.GetProperty("detail").GetString());
        var delete = await HostApiHelpers.ProblemAsync(await api.DeleteAsync("/api/v1/hosts/broken?confirm=broken"), HttpStatusCode.Conflict);
        Assert.Contains("already Decommissioned", delete.GetProperty("detail").GetString());
        // Still readable, as a record.
        var host = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/broken");
        Assert.Equal("Decommissioned", host.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_missing_host_is_404_for_retry_and_delete_confirmed_or_not()
    {
        var (_, api) = await helpers.CustomerAsync();

        foreach (var response in new[]
                 {
                     await api.PostAsync("/api/v1/hosts/nowhere/retry", null),
                     await api.DeleteAsync("/api/v1/hosts/nowhere?confirm=nowhere"),
                     await api.DeleteAsync("/api/v1/hosts/nowhere"),
                 })
        {
            var problem = await HostApiHelpers.ProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Contains("no host named 'nowhere'", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Customer_A_can_neither_retry_nor_decommission_customer_Bs_host()
    {
        var (_, apiA) = await helpers.CustomerAsync();
        var (userB, apiB) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(apiB, "b-site", production: true);
        var customerB = userB.CustomerId!.Value;
        await FailAsync(customerB, "b-site", EnvironmentKind.Dev);
        var before = await helpers.HostAsync(customerB, "b-site");

        await HostApiHelpers.ProblemAsync(await apiA.PostAsync("/api/v1/hosts/b-site/retry", null), HttpStatusCode.NotFound);
        await HostApiHelpers.ProblemAsync(await apiA.DeleteAsync("/api/v1/hosts/b-site?confirm=b-site"), HttpStatusCode.NotFound);

        var after = await helpers.HostAsync(customerB, "b-site");
        Assert.Equal((HostState.Failed, before.UpdatedAt), (after.State, after.UpdatedAt));
        Assert.Equal(before.Environments.OrderBy(e => e.Kind).Select(e => (e.State, e.Version)), after.Environments.OrderBy(e => e.Kind).Select(e => (e.State, e.Version)));
        Assert.False(await helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == before.Id && (a.Action == "host.retry" || a.Action == "host.decommission-started"))));
        // B still can.
        Assert.Equal(HttpStatusCode.Accepted, (await apiB.PostAsync("/api/v1/hosts/b-site/retry", null)).StatusCode);
    }

    [Fact]
    public async Task Two_redeploys_of_one_release_at_the_same_instant_queue_one_new_release()
    {
        var (user, api) = await helpers.CustomerAsync();
        var name = $"twice-{Guid.NewGuid():N}"[..16];
        var builder = new TestHostBuilder(name).OfCustomer(user.CustomerId!.Value).Provisioned();
        var released = await helpers.DbAsync(async db =>
        {
            var host = await builder.SaveAsync(db);
            var release = new Release
            {
                HostEnvironmentId = host.Environments.Single(e => e.Kind == EnvironmentKind.Dev).Id,
                CommitId = new string('a', 40),
                Branch = "main",
                ClientRequestToken = Guid.NewGuid().ToString(),
                PushedAt = DateTimeOffset.UtcNow,
                State = ReleaseState.Succeeded,
                SourceKey = "sources/twice.zip",
                SourceVersionId = "v-1",
            };
            db.Releases.Add(release);
            await db.SaveChangesAsync();
            return release;
        });

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            api.PostAsync($"/api/v1/hosts/{name}/releases/{released.Id}/redeploy", null)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await helpers.DbAsync(db => db.Releases.CountAsync(r => r.HostEnvironmentId == released.HostEnvironmentId && r.State == ReleaseState.Pending)));
    }

    /// <summary>The environment failed as a stack failure leaves it: state Failed with AWS's reason, the host rolled up to Failed.</summary>
    private Task FailAsync(Guid customerId, string name, EnvironmentKind kind) => helpers.DbAsync(async db =>
    {
        await db.HostEnvironments.Where(e => e.Host.CustomerId == customerId && e.Host.Name == name && e.Kind == kind)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EnvironmentState.Failed).SetProperty(e => e.StateReason, AwsReason));
        return await db.Hosts.Where(h => h.CustomerId == customerId && h.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.State, HostState.Failed).SetProperty(h => h.StateReason, $"{kind}: {AwsReason}"));
    });
}
