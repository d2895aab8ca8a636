using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Api;

/// <summary>
/// The update routes' answers: proposing, reading, confirming and discarding a change, and every refusal. No jobs run
/// here, so a proposed change stays Preparing unless a test moves it on; the preview and the update themselves run
/// end to end in <see cref="HostUpdateApiTests"/> and the browser tests.
/// </summary>
public sealed class HostChangeApiTests(JoblessPortalFixture jobless) : IClassFixture<JoblessPortalFixture>
{
    private readonly HostApiHelpers helpers = new(jobless.Fixture);

    [Fact]
    public async Task Putting_an_edited_order_answers_202_with_the_change_preparing_and_changes_nothing_yet()
    {
        var (user, api) = await helpers.CustomerAsync();
        var customerId = user.CustomerId!.Value;
        await ActiveHostAsync(api, customerId, "grow", production: true);

        var response = await api.PutAsJsonAsync("/api/v1/hosts/grow", Edit("grow", production: true, o => o["plan"] = "medium"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var change = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = change.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/hosts/grow/changes/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Preparing", change.GetProperty("state").GetString());
        Assert.Equal("grow", change.GetProperty("host").GetString());
        Assert.Contains("plan:small:medium", FieldChanges(change));
        Assert.Equal(0, change.GetProperty("stacks").GetArrayLength());
        Assert.Equal("medium", change.GetProperty("proposedOrder").GetProperty("plan").GetString());
        Assert.Equal(user.Email, change.GetProperty("requestedBy").GetString());

        var read = await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/grow/changes/{id}");
        Assert.Equal((id, "Preparing"), (read.GetProperty("id").GetGuid(), read.GetProperty("state").GetString()));
        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/grow/changes");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetGuid());

        var host = await helpers.HostAsync(customerId, "grow");
        Assert.Equal(("small", HostState.Active), (host.Plan, host.State));
        var audit = await helpers.DbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.HostId == host.Id && a.Action == "host.change-proposed"));
        Assert.Equal((user.Id, customerId), (audit.ActorId, audit.CustomerId));
        Assert.Contains("plan: small → medium", audit.Details);
    }

    [Fact]
    public async Task The_body_may_leave_the_name_out_the_route_names_the_host()
    {
        var (user, api) = await helpers.CustomerAsync();
        await ActiveHostAsync(api, user.CustomerId!.Value, "nameless");

        var response = await api.PutAsJsonAsync("/api/v1/hosts/nameless", Edit("nameless", production: false, o =>
        {
            o.Remove("name");
            o["healthCheckPath"] = "/ready";
        }));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var change = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["healthCheckPath:/health:/ready"], FieldChanges(change));
    }

    [Fact]
    public async Task What_cannot_change_is_400_with_field_errors_like_an_order_and_nothing_is_saved()
    {
        var (user, api) = await helpers.CustomerAsync();
        var customerId = user.CustomerId!.Value;
        await ActiveHostAsync(api, customerId, "fixed", storageGb: 50);

        var refused = await HostApiHelpers.ProblemAsync(await api.PutAsJsonAsync("/api/v1/hosts/fixed", Edit("fixed", production: false, o =>
        {
            o["name"] = "renamed";
            o["environments"] = new JsonArray();
            o["databaseEngine"] = "mysql";
            o["databaseStorageGb"] = 30;
            o["healthCheckPath"] = "no-slash";
        })), HttpStatusCode.BadRequest);

        Assert.Equal("The order has errors.", refused.GetProperty("title").GetString());
        Assert.Contains("A host's name cannot change", Assert.Single(HostApiHelpers.FieldErrors(refused, "name")));
        Assert.Contains("A host keeps at least one environment", Assert.Single(HostApiHelpers.FieldErrors(refused, "environments")));
        Assert.Contains("The database engine cannot change", Assert.Single(HostApiHelpers.FieldErrors(refused, "databaseEngine")));
        Assert.Contains("Start with '/'", Assert.Single(HostApiHelpers.FieldErrors(refused, "healthCheckPath")));

        // Storage only grows: the rule needs an otherwise valid order.
        var shrink = await HostApiHelpers.ProblemAsync(await api.PutAsJsonAsync("/api/v1/hosts/fixed",
            Edit("fixed", production: false, o => o["databaseStorageGb"] = 30, storageGb: 50)), HttpStatusCode.BadRequest);
        Assert.Equal(["Database storage can only grow (it is 50 GB now)."], HostApiHelpers.FieldErrors(shrink, "databaseStorageGb"));

        var same = await HostApiHelpers.ProblemAsync(await api.PutAsJsonAsync("/api/v1/hosts/fixed", Edit("fixed", production: false, _ => { }, storageGb: 50)),
            HttpStatusCode.BadRequest);
        Assert.Equal(["Nothing to change: this is the host's current order."], HostApiHelpers.FieldErrors(same, "order"));

        var host = await helpers.HostAsync(customerId, "fixed");
        Assert.False(await helpers.DbAsync(db => db.HostChanges.AnyAsync(c => c.HostId == host.Id)));
        Assert.Equal((50, "postgres"), (host.Database.AllocatedStorageGb, host.Database.Engine));
    }

    [Fact]
    public async Task Removing_every_environment_or_production_without_its_name_is_400_and_another_customers_host_is_404()
    {
        var (userA, apiA) = await helpers.CustomerAsync();
        var (userB, apiB) = await helpers.CustomerAsync();
        var customerB = userB.CustomerId!.Value;
        await ActiveHostAsync(apiB, customerB, "pruned", production: true);

        var none = await HostApiHelpers.ProblemAsync(await apiB.PutAsJsonAsync("/api/v1/hosts/pruned",
            Edit("pruned", production: true, o => o["environments"] = new JsonArray())), HttpStatusCode.BadRequest);
        Assert.Equal(["A host keeps at least one environment: to remove every one, decommission the host."], HostApiHelpers.FieldErrors(none, "environments"));

        var unconfirmed = await HostApiHelpers.ProblemAsync(await apiB.PutAsJsonAsync("/api/v1/hosts/pruned",
            Edit("pruned", production: true, o => o["environments"] = new JsonArray("dev"))), HttpStatusCode.BadRequest);
        Assert.Equal("The order has errors.", unconfirmed.GetProperty("title").GetString());
        Assert.Equal([Portal.Provisioning.Orders.HostOrderValidator.RemovalConfirmationMissing(EnvironmentKind.Production)],
            HostApiHelpers.FieldErrors(unconfirmed, "confirmRemoval"));
        var mistyped = await HostApiHelpers.ProblemAsync(await apiB.PutAsJsonAsync("/api/v1/hosts/pruned", Edit("pruned", production: true, o =>
        {
            o["environments"] = new JsonArray("dev");
            o["confirmRemoval"] = "pruned";
        })), HttpStatusCode.BadRequest);
        Assert.Single(HostApiHelpers.FieldErrors(mistyped, "confirmRemoval"));

        // Customer A's well-formed removal of B's production finds no host.
        var foreign = await HostApiHelpers.ProblemAsync(await apiA.PutAsJsonAsync("/api/v1/hosts/pruned", Edit("pruned", production: true, o =>
        {
            o["environments"] = new JsonArray("dev");
            o["confirmRemoval"] = "production";
        })), HttpStatusCode.NotFound);
        Assert.Contains("no host named 'pruned'", foreign.GetProperty("detail").GetString());

        var host = await helpers.HostAsync(customerB, "pruned");
        Assert.Equal(HostState.Active, host.State);
        Assert.All(host.Environments, e => Assert.Equal(EnvironmentState.Active, e.State));
        Assert.False(await helpers.DbAsync(db => db.HostChanges.AnyAsync(c => c.HostId == host.Id)));
        Assert.False(await helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == host.Id && a.Action == "host.change-proposed")));
        Assert.False(await helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.ActorId == userA.Id && a.HostId == host.Id)));

        // Typed, B's removal is proposed.
        var proposed = await apiB.PutAsJsonAsync("/api/v1/hosts/pruned", Edit("pruned", production: true, o =>
        {
            o["environments"] = new JsonArray("dev");
            o["confirmRemoval"] = "production";
        }));
        Assert.Equal(HttpStatusCode.Accepted, proposed.StatusCode);
        Assert.Contains("environments:dev, production:dev", FieldChanges(await proposed.Content.ReadFromJsonAsync<JsonElement>()));
    }

    [Fact]
    public async Task A_host_that_is_not_active_cannot_be_changed_409()
    {
        var (user, api) = await helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "young");

        var problem = await HostApiHelpers.ProblemAsync(await api.PutAsJsonAsync("/api/v1/hosts/young", Edit("young", production: false, o => o["plan"] = "medium")),
            HttpStatusCode.Conflict);

        Assert.Equal("Cannot change the host", problem.GetProperty("title").GetString());
        Assert.Contains("The host is Provisioning; it can be changed once it is Active.", problem.GetProperty("detail").GetString());
        var host = await helpers.HostAsync(user.CustomerId!.Value, "young");
        Assert.False(await helpers.DbAsync(db => db.HostChanges.AnyAsync(c => c.HostId == host.Id)));
    }

    [Fact]
    public async Task Confirming_is_409_while_the_preview_is_prepared_and_a_newer_proposal_supersedes_the_open_one()
    {
        var (user, api) = await helpers.CustomerAsync();
        await ActiveHostAsync(api, user.CustomerId!.Value, "twice");
        var first = await ProposeAsync(api, "twice", o => o["plan"] = "medium");

        var early = await HostApiHelpers.ProblemAsync(await api.PostAsync($"/api/v1/hosts/twice/changes/{first}/confirm", null), HttpStatusCode.Conflict);
        Assert.Equal("Cannot confirm the change", early.GetProperty("title").GetString());
        Assert.Contains("still being prepared", early.GetProperty("detail").GetString());

        var second = await ProposeAsync(api, "twice", o => o["plan"] = "large");
        Assert.Equal("Superseded", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/twice/changes/{first}")).GetProperty("state").GetString());
        var superseded = await HostApiHelpers.ProblemAsync(await api.PostAsync($"/api/v1/hosts/twice/changes/{first}/confirm", null), HttpStatusCode.Conflict);
        Assert.Contains("This change is Superseded and can no longer be confirmed.", superseded.GetProperty("detail").GetString());

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/twice/changes?pageSize=1");
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        Assert.Equal(second, list.GetProperty("items")[0].GetProperty("id").GetGuid());
        var older = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/twice/changes?page=2&pageSize=1");
        Assert.Equal(first, older.GetProperty("items")[0].GetProperty("id").GetGuid());
        await HostApiHelpers.ProblemAsync(await api.GetAsync("/api/v1/hosts/twice/changes?page=0&pageSize=500"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Discarding_an_open_change_answers_200_and_it_can_then_be_neither_confirmed_nor_discarded()
    {
        var (user, api) = await helpers.CustomerAsync();
        var customerId = user.CustomerId!.Value;
        await ActiveHostAsync(api, customerId, "undecided");
        var id = await ProposeAsync(api, "undecided", o => o["plan"] = "medium");

        var response = await api.DeleteAsync($"/api/v1/hosts/undecided/changes/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Discarded", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        var again = await HostApiHelpers.ProblemAsync(await api.DeleteAsync($"/api/v1/hosts/undecided/changes/{id}"), HttpStatusCode.Conflict);
        Assert.Equal("Cannot discard the change", again.GetProperty("title").GetString());
        var confirm = await HostApiHelpers.ProblemAsync(await api.PostAsync($"/api/v1/hosts/undecided/changes/{id}/confirm", null), HttpStatusCode.Conflict);
        Assert.Contains("Discarded", confirm.GetProperty("detail").GetString());
        var host = await helpers.HostAsync(customerId, "undecided");
        Assert.Equal(("small", HostState.Active), (host.Plan, host.State));
        Assert.True(await helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == host.Id && a.Action == "host.change-discarded" && a.ActorId == user.Id)));
    }

    [Fact]
    public async Task Confirming_a_change_without_infrastructure_changes_saves_the_order_at_once()
    {
        var (user, api) = await helpers.CustomerAsync();
        var customerId = user.CustomerId!.Value;
        await ActiveHostAsync(api, customerId, "branchy");
        var id = await ProposeAsync(api, "branchy", o => o["devBranch"] = "develop");
        // What the preview job finds for a branch change: no stack changes.
        await helpers.DbAsync(db => db.HostChanges.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, HostChangeState.NoChanges)));
        Assert.Equal("NoChanges", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/branchy/changes/{id}")).GetProperty("state").GetString());

        var response = await api.PostAsync($"/api/v1/hosts/branchy/changes/{id}/confirm", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/v1/hosts/branchy/changes/{id}", response.Headers.Location?.OriginalString);
        var change = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Applied", change.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, change.GetProperty("confirmedAt").ValueKind);
        var host = await helpers.HostAsync(customerId, "branchy");
        Assert.Equal(("develop", HostState.Active), (host.Environments.Single().Branch, host.State));
        var applied = await HostApiHelpers.ProblemAsync(await api.PostAsync($"/api/v1/hosts/branchy/changes/{id}/confirm", null), HttpStatusCode.Conflict);
        Assert.Contains("This change is Applied", applied.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_missing_change_or_host_is_404()
    {
        var (user, api) = await helpers.CustomerAsync();
        await ActiveHostAsync(api, user.CustomerId!.Value, "lonely");
        var unknown = Guid.NewGuid();

        foreach (var response in new[]
                 {
                     await api.GetAsync($"/api/v1/hosts/lonely/changes/{unknown}"),
                     await api.PostAsync($"/api/v1/hosts/lonely/changes/{unknown}/confirm", null),
                     await api.DeleteAsync($"/api/v1/hosts/lonely/changes/{unknown}"),
                 })
        {
            var problem = await HostApiHelpers.ProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Equal($"Host 'lonely' has no change {unknown}.", problem.GetProperty("detail").GetString());
        }
        await HostApiHelpers.ProblemAsync(await api.GetAsync("/api/v1/hosts/lonely/changes/not-a-guid"), HttpStatusCode.NotFound);
        foreach (var response in new[]
                 {
                     await api.PutAsJsonAsync("/api/v1/hosts/nowhere", Edit("nowhere", production: false, o => o["plan"] = "medium")),
                     await api.GetAsync("/api/v1/hosts/nowhere/changes"),
                     await api.GetAsync($"/api/v1/hosts/nowhere/changes/{unknown}"),
                 })
            Assert.Contains("no host named 'nowhere'", (await HostApiHelpers.ProblemAsync(response, HttpStatusCode.NotFound)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Customer_A_can_neither_see_propose_confirm_nor_discard_changes_of_customer_Bs_host()
    {
        var (_, apiA) = await helpers.CustomerAsync();
        var (userB, apiB) = await helpers.CustomerAsync();
        var customerB = userB.CustomerId!.Value;
        await ActiveHostAsync(apiB, customerB, "b-site", production: true);
        var changeB = await ProposeAsync(apiB, "b-site", o => o["plan"] = "medium", production: true);
        await helpers.DbAsync(db => db.HostChanges.Where(c => c.Id == changeB).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, HostChangeState.Ready)));
        var before = await helpers.HostAsync(customerB, "b-site");

        foreach (var response in new[]
                 {
                     await apiA.PutAsJsonAsync("/api/v1/hosts/b-site", Edit("b-site", production: true, o => o["plan"] = "large")),
                     await apiA.GetAsync("/api/v1/hosts/b-site/changes"),
                     await apiA.GetAsync($"/api/v1/hosts/b-site/changes/{changeB}"),
                     await apiA.PostAsync($"/api/v1/hosts/b-site/changes/{changeB}/confirm", null),
                     await apiA.DeleteAsync($"/api/v1/hosts/b-site/changes/{changeB}"),
                 })
        {
            var problem = await HostApiHelpers.ProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Contains("no host named 'b-site'", problem.GetProperty("detail").GetString());
        }

        var after = await helpers.HostAsync(customerB, "b-site");
        Assert.Equal((before.Plan, before.State, before.UpdatedAt), (after.Plan, after.State, after.UpdatedAt));
        var changes = await helpers.DbAsync(db => db.HostChanges.AsNoTracking().Where(c => c.HostId == before.Id).ToListAsync());
        Assert.Equal((changeB, HostChangeState.Ready), (Assert.Single(changes).Id, changes[0].State));
        Assert.False(await helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == before.Id && a.ActorId != userB.Id && a.ActorId != null)));
        // B still can.
        Assert.Equal("Ready", (await apiB.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/b-site/changes/{changeB}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_update_routes_are_in_the_openapi_document()
    {
        using var anonymous = jobless.Fixture.Portal.CreateClient();

        var paths = (await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");

        var host = paths.GetProperty("/api/v1/hosts/{name}");
        Assert.Equal("UpdateHost", host.GetProperty("put").GetProperty("operationId").GetString());
        Assert.True(host.GetProperty("put").TryGetProperty("requestBody", out _));
        foreach (var status in new[] { "202", "400", "404", "409" })
            Assert.True(host.GetProperty("put").GetProperty("responses").TryGetProperty(status, out _), $"PUT /hosts/{{name}} documents {status}");
        Assert.Equal("ListHostChanges", paths.GetProperty("/api/v1/hosts/{name}/changes").GetProperty("get").GetProperty("operationId").GetString());
        var change = paths.GetProperty("/api/v1/hosts/{name}/changes/{id}");
        Assert.Equal("GetHostChange", change.GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("DiscardHostChange", change.GetProperty("delete").GetProperty("operationId").GetString());
        var confirm = paths.GetProperty("/api/v1/hosts/{name}/changes/{id}/confirm").GetProperty("post");
        Assert.Equal("ConfirmHostChange", confirm.GetProperty("operationId").GetString());
        Assert.True(confirm.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(confirm.GetProperty("responses").TryGetProperty("503", out _));
    }

    /// <summary>An order as a script would send it: the one the host was ordered with, edited.</summary>
    // Each host of this class releases from a project of its own (one live host per project), the same for its edits.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Projects = new();

    internal static string ProjectOf(string name) => Projects.GetOrAdd(name, _ => ProvisioningWorld.NextProject());

    internal static JsonObject Edit(string name, bool production, Action<JsonObject> edit, int? storageGb = null)
    {
        var order = JsonSerializer.SerializeToNode(HostApiHelpers.Order(name, production, ProjectOf(name)))!.AsObject();
        if (storageGb is { } storage) order["databaseStorageGb"] = storage;
        edit(order);
        return order;
    }

    internal static IReadOnlyList<string> FieldChanges(JsonElement change) =>
        change.GetProperty("fieldChanges").EnumerateArray()
            .Select(f => $"{f.GetProperty("field").GetString()}:{f.GetProperty("from").GetString()}:{f.GetProperty("to").GetString()}").ToList();

    private async Task ActiveHostAsync(HttpClient api, Guid customerId, string name, bool production = false, int? storageGb = null)
    {
        var order = Edit(name, production, _ => { }, storageGb);
        var response = await api.PostAsJsonAsync("/api/v1/hosts", order);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        await helpers.ActivateAsync(customerId, name);
    }

    private static async Task<Guid> ProposeAsync(HttpClient api, string name, Action<JsonObject> edit, bool production = false)
    {
        var response = await api.PutAsJsonAsync($"/api/v1/hosts/{name}", Edit(name, production, edit));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
