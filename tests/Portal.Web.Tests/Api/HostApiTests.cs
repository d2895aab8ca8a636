using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Security;

namespace Portal.Web.Tests.Api;

/// <summary>A portal that takes orders but runs no jobs: hosts stay where the order left them, so states are the test's to set.</summary>
public sealed class JoblessPortalFixture : IAsyncLifetime
{
    public PortalFixture Fixture { get; } = new(new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" });

    public Task InitializeAsync() => Fixture.InitializeAsync();

    public Task DisposeAsync() => Fixture.DisposeAsync();
}

public sealed class HostApiTests(JoblessPortalFixture jobless) : IClassFixture<JoblessPortalFixture>
{
    private readonly PortalFixture fixture = jobless.Fixture;
    private HostApiHelpers Helpers => new(fixture);

    [Fact]
    public async Task Ordering_a_host_answers_201_with_its_location_and_the_webhook_token_once()
    {
        var (user, api) = await Helpers.CustomerAsync();

        var response = await api.PostAsJsonAsync("/api/v1/hosts", HostApiHelpers.Order("shop", production: true));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/hosts/shop", response.Headers.Location?.OriginalString);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = created.GetProperty("webhookToken").GetString()!;
        Assert.StartsWith(HostWebhook.TokenPrefix, token);
        Assert.Equal($"{fixture.Portal.BaseUrl.ToString().TrimEnd('/')}/hooks/gitlab", created.GetProperty("webhookUrl").GetString());
        var host = created.GetProperty("host");
        Assert.Equal("Provisioning", host.GetProperty("state").GetString());
        Assert.Equal(["dev:dev:Provisioning", "production:master:Provisioning"], host.GetProperty("environments").EnumerateArray()
            .Select(e => $"{e.GetProperty("name").GetString()}:{e.GetProperty("branch").GetString()}:{e.GetProperty("state").GetString()}"));
        Assert.True(host.GetProperty("monthlyEstimate").GetProperty("monthlyTotal").GetDecimal() > 0);

        // Stored: the host with its provisioning started, the token only as its hash, the audit entry.
        var stored = await Helpers.HostAsync(user.CustomerId!.Value, "shop");
        Assert.Equal(HostState.Provisioning, stored.State);
        Assert.Equal(SecretToken.Hash(token), stored.WebhookTokenHash);
        Assert.All(stored.Environments, e => Assert.Equal(EnvironmentState.Provisioning, e.State));
        var audit = await Helpers.DbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.HostId == stored.Id && a.ActorId != null));
        Assert.Equal(("host.ordered", user.Id, user.CustomerId), (audit.Action, audit.ActorId, audit.CustomerId));
        Assert.DoesNotContain(token, audit.Details);

        // Shown once: reading the host never shows the token again.
        var again = await api.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await again.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, body);
        Assert.Contains("\"hasWebhookToken\":true", body);
    }

    [Fact]
    public async Task An_invalid_order_is_a_400_with_errors_by_field_and_saves_nothing()
    {
        var (user, api) = await Helpers.CustomerAsync();

        var response = await api.PostAsJsonAsync("/api/v1/hosts", new
        {
            name = "Bad Name",
            plan = "small",
            environments = new[] { "dev", "production" },
            gitLabProjectPath = "acme/shop",
            gitLabProjectUrl = "https://gitlab.example.com/acme/shop.git",
            approverEmails = new[] { "not-an-email" },
            customDomain = "www.acme.example",
            certificateArn = "arn:aws:iam::123456789012:server-certificate/x",
            minInstances = 2,
            maxInstances = 1,
        });

        var problem = await HostApiHelpers.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(
            new[] { "approverEmails", "certificateArn", "maxInstances", "name" },
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains(HostApiHelpers.FieldErrors(problem, "approverEmails"), m => m.Contains("'not-an-email' is not an e-mail address"));
        Assert.Equal(0, await Helpers.DbAsync(db => db.Hosts.CountAsync(h => h.CustomerId == user.CustomerId)));
        Assert.Equal(0, await Helpers.DbAsync(db => db.AuditEntries.CountAsync(a => a.CustomerId == user.CustomerId)));
    }

    [Fact]
    public async Task A_body_that_is_not_an_order_is_a_400_problem()
    {
        var (_, api) = await Helpers.CustomerAsync();

        var notJson = await api.PostAsync("/api/v1/hosts", new StringContent("{ name: ", Encoding.UTF8, "application/json"));
        await HostApiHelpers.ProblemAsync(notJson, HttpStatusCode.BadRequest);

        var nulls = await api.PostAsync("/api/v1/hosts", new StringContent("""{ "name": "nulls", "environments": null, "approverEmails": [null] }""", Encoding.UTF8, "application/json"));
        Assert.NotEmpty(HostApiHelpers.FieldErrors(await HostApiHelpers.ProblemAsync(nulls, HttpStatusCode.BadRequest), "environments"));

        var wrongType = await api.PostAsync("/api/v1/hosts", new StringContent("""{ "name": "x", "minInstances": "many" }""", Encoding.UTF8, "application/json"));
        await HostApiHelpers.ProblemAsync(wrongType, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_name_is_unique_per_customer_not_across_customers()
    {
        var (_, apiA) = await Helpers.CustomerAsync();
        var (_, apiB) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(apiA, "web");

        var again = await apiA.PostAsJsonAsync("/api/v1/hosts", HostApiHelpers.Order("web"));
        var problem = await HostApiHelpers.ProblemAsync(again, HttpStatusCode.BadRequest);
        Assert.Contains(HostApiHelpers.FieldErrors(problem, "name"), m => m.Contains("already have a host named 'web'"));

        await HostApiHelpers.OrderAsync(apiB, "web");
    }

    [Fact]
    public async Task Simultaneous_orders_of_one_name_create_one_host_and_answer_the_others_with_a_field_error()
    {
        var (user, api) = await Helpers.CustomerAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => api.PostAsJsonAsync("/api/v1/hosts", HostApiHelpers.Order("race"))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            Assert.NotEmpty(HostApiHelpers.FieldErrors(await HostApiHelpers.ProblemAsync(refused, HttpStatusCode.BadRequest), "name"));
        Assert.Equal(1, await Helpers.DbAsync(db => db.Hosts.CountAsync(h => h.CustomerId == user.CustomerId)));
    }

    [Fact]
    public async Task The_list_is_paged_searched_and_filtered_on_the_server()
    {
        var (user, api) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "beta", project: "acme/beta");
        await HostApiHelpers.OrderAsync(api, "alpha", project: "acme/alpha");
        await HostApiHelpers.OrderAsync(api, "gamma", project: "tools/ops_100");
        await Helpers.DbAsync(db => db.Hosts.Where(h => h.CustomerId == user.CustomerId && h.Name == "beta")
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.State, HostState.Active)));

        var first = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?page=1&pageSize=2");
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(["alpha", "beta"], Names(first));
        var second = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?page=2&pageSize=2");
        Assert.Equal(["gamma"], Names(second));

        Assert.Equal(["alpha"], Names(await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?search=ALP")));
        Assert.Equal(["gamma"], Names(await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?search=tools/")));
        // LIKE wildcards are searched for literally ("a_p" and "a%a" would match alpha as patterns).
        Assert.Equal(["gamma"], Names(await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?search=ops_1")));
        Assert.Empty(Names(await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?search=a_p")));
        Assert.Empty(Names(await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts?search={Uri.EscapeDataString("a%a")}")));
        Assert.Equal(["beta"], Names(await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?state=active")));

        var row = first.GetProperty("items")[0];
        Assert.Equal("Provisioning", row.GetProperty("state").GetString());
        Assert.Equal("dev", row.GetProperty("environments")[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("lastRelease").ValueKind);
    }

    [Fact]
    public async Task Bad_list_parameters_are_field_errors()
    {
        var (_, api) = await Helpers.CustomerAsync();

        var problem = await HostApiHelpers.ProblemAsync(await api.GetAsync("/api/v1/hosts?page=0&pageSize=500&state=sleeping"), HttpStatusCode.BadRequest);

        Assert.Equal(["page", "pageSize", "state"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Environments_events_and_outputs_of_a_host()
    {
        var (user, api) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "site", production: true);
        var customerId = user.CustomerId!.Value;
        var production = await Helpers.EnvironmentAsync(customerId, "site", EnvironmentKind.Production);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Helpers.AddStackEventsAsync(production.Id,
            ("AppStack", "CREATE_IN_PROGRESS", start),
            ("TargetGroup", "CREATE_COMPLETE", start.AddSeconds(10)),
            ("AppStack", "CREATE_COMPLETE", start.AddSeconds(20)));
        await Helpers.DbAsync(db => db.HostEnvironments.Where(e => e.Id == production.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Outputs, new Dictionary<string, string>
        {
            ["SiteUrl"] = "https://www.acme.example",
            ["DatabaseEndpoint"] = "site-db.abc.eu-west-1.rds.amazonaws.com",
            ["DatabasePort"] = "5432",
            ["DatabaseSecretArn"] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf",
            ["TargetGroupArn"] = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/x/y",
        })));

        var environments = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/site/environments");
        Assert.Equal(["dev", "production"], environments.EnumerateArray().Select(e => e.GetProperty("name").GetString()));

        var events = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/site/environments/production/events?pageSize=2");
        Assert.Equal(3, events.GetProperty("total").GetInt32());
        Assert.Equal(["AppStack:CREATE_COMPLETE", "TargetGroup:CREATE_COMPLETE"], events.GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("logicalResourceId").GetString()}:{e.GetProperty("resourceStatus").GetString()}"));
        var devEvents = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/site/environments/dev/events");
        Assert.Equal(0, devEvents.GetProperty("total").GetInt32());

        var outputs = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/site/environments/production/outputs");
        Assert.Equal("https://www.acme.example", outputs.GetProperty("siteUrl").GetString());
        Assert.Equal(5432, outputs.GetProperty("databasePort").GetInt32());
        Assert.Equal("rds!db-1234", outputs.GetProperty("databaseSecretName").GetString());
        Assert.False(outputs.TryGetProperty("targetGroupArn", out _));

        await HostApiHelpers.ProblemAsync(await api.GetAsync("/api/v1/hosts/site/environments/staging/events"), HttpStatusCode.NotFound);
        await HostApiHelpers.ProblemAsync(await api.GetAsync("/api/v1/hosts/site/environments/qa/outputs"), HttpStatusCode.NotFound);
        await HostApiHelpers.ProblemAsync(await api.GetAsync("/api/v1/hosts/site/environments/dev/events?pageSize=0"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Releases_are_listed_newest_first_a_page_at_a_time()
    {
        var (user, api) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "rel", production: true);
        var customerId = user.CustomerId!.Value;
        var dev = await Helpers.EnvironmentAsync(customerId, "rel", EnvironmentKind.Dev);
        var production = await Helpers.EnvironmentAsync(customerId, "rel", EnvironmentKind.Production);
        var now = DateTimeOffset.UtcNow;
        await Helpers.DbAsync(db =>
        {
            db.Releases.AddRange(
                Release(dev.Id, "aaaa1111", "dev", now.AddMinutes(-3), ReleaseState.Succeeded),
                Release(production.Id, "bbbb2222", "master", now.AddMinutes(-2), ReleaseState.WaitingForApproval),
                Release(dev.Id, "cccc3333", "dev", now.AddMinutes(-1), ReleaseState.InProgress));
            return db.SaveChangesAsync();
        });

        var page = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/rel/releases?pageSize=2");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(["cccc3333", "bbbb2222"], page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("commitId").GetString()));
        Assert.Equal("WaitingForApproval", page.GetProperty("items")[1].GetProperty("state").GetString());
        Assert.DoesNotContain("approval-token", await api.GetStringAsync("/api/v1/hosts/rel/releases"));

        var onlyDev = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/rel/releases?environment=dev");
        Assert.Equal(["cccc3333", "aaaa1111"], onlyDev.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("commitId").GetString()));

        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?search=rel");
        Assert.Equal("cccc3333", list.GetProperty("items")[0].GetProperty("lastRelease").GetProperty("commitId").GetString());
    }

    [Fact]
    public async Task A_name_means_the_live_host_and_an_old_decommissioned_host_of_the_name_is_read_with_its_id()
    {
        var (user, api) = await Helpers.CustomerAsync();
        var customerId = user.CustomerId!.Value;
        var oldId = (await HostApiHelpers.OrderAsync(api, "again")).GetProperty("host").GetProperty("id").GetGuid();
        var oldDev = await Helpers.EnvironmentAsync(customerId, "again", EnvironmentKind.Dev);
        var now = DateTimeOffset.UtcNow;
        await Helpers.DbAsync(async db =>
        {
            db.Releases.Add(Release(oldDev.Id, "0001d111", "dev", now.AddMinutes(-10), ReleaseState.Succeeded));
            await db.SaveChangesAsync();
            await db.HostEnvironments.Where(e => e.HostId == oldId).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.State, EnvironmentState.Decommissioned).SetProperty(e => e.Operation, EnvironmentOperation.None));
            return await db.Hosts.Where(h => h.Id == oldId).ExecuteUpdateAsync(s => s.SetProperty(h => h.State, HostState.Decommissioned));
        });
        var newId = (await HostApiHelpers.OrderAsync(api, "again")).GetProperty("host").GetProperty("id").GetGuid();
        var newDev = await Helpers.DbAsync(db => db.HostEnvironments.AsNoTracking().SingleAsync(e => e.HostId == newId));
        await Helpers.DbAsync(db =>
        {
            db.Releases.Add(Release(newDev.Id, "0002e222", "dev", now.AddMinutes(-1), ReleaseState.InProgress));
            return db.SaveChangesAsync();
        });
        var (_, other) = await Helpers.CustomerAsync();
        var othersId = (await HostApiHelpers.OrderAsync(other, "again")).GetProperty("host").GetProperty("id").GetGuid();

        // The name means the live host; the list names both, each with its id.
        var live = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/again");
        Assert.Equal((newId, "Provisioning"), (live.GetProperty("id").GetGuid(), live.GetProperty("state").GetString()));
        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts?search=again");
        Assert.Equal(new[] { newId, oldId }.Order(), list.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("id").GetGuid()).Order());
        Assert.Equal(["0002e222"], Commits(await api.GetFromJsonAsync<JsonElement>("/api/v1/hosts/again/releases")));

        // ?host= reads the old one: the host, its environments, events and releases.
        var old = await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/again?host={oldId}");
        Assert.Equal((oldId, "Decommissioned"), (old.GetProperty("id").GetGuid(), old.GetProperty("state").GetString()));
        var environments = await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/again/environments?host={oldId}");
        Assert.Equal(["dev:Decommissioned"], environments.EnumerateArray().Select(e => $"{e.GetProperty("name").GetString()}:{e.GetProperty("state").GetString()}"));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/api/v1/hosts/again/environments/dev/events?host={oldId}")).StatusCode);
        Assert.Equal(["0001d111"], Commits(await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/again/releases?host={oldId}")));
        Assert.Equal(newId, (await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/again?host={newId}")).GetProperty("id").GetGuid());

        // Only the customer's own host, and only under its own name: anything else is not found.
        foreach (var route in new[]
                 {
                     $"/api/v1/hosts/again?host={othersId}", $"/api/v1/hosts/again/releases?host={othersId}",
                     $"/api/v1/hosts/again/environments?host={othersId}", $"/api/v1/hosts/again/environments/dev/events?host={othersId}",
                     $"/api/v1/hosts/again/environments/dev/outputs?host={othersId}", $"/api/v1/hosts/again/webhook/deliveries?host={othersId}",
                     $"/api/v1/hosts/another-name?host={oldId}", $"/api/v1/hosts/again?host={Guid.NewGuid()}",
                 })
        {
            var problem = await HostApiHelpers.ProblemAsync(await api.GetAsync(route), HttpStatusCode.NotFound);
            Assert.DoesNotContain(othersId.ToString(), problem.ToString());
        }
        await HostApiHelpers.ProblemAsync(await api.GetAsync("/api/v1/hosts/again?host=not-an-id"), HttpStatusCode.BadRequest);
        Assert.Equal(othersId, (await other.GetFromJsonAsync<JsonElement>("/api/v1/hosts/again")).GetProperty("id").GetGuid());

        // The reference says so.
        var document = await api.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var get = document.GetProperty("paths").GetProperty("/api/v1/hosts/{name}").GetProperty("get");
        Assert.Contains("?host={id}", get.GetProperty("description").GetString());
        var parameter = get.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "host");
        Assert.Equal("query", parameter.GetProperty("in").GetString());
        Assert.Contains("decommissioned host's id", parameter.GetProperty("description").GetString());

        static List<string?> Commits(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("commitId").GetString()).ToList();
    }

    [Fact]
    public async Task Regenerating_the_webhook_token_replaces_it_and_is_audited()
    {
        var (user, api) = await Helpers.CustomerAsync();
        var created = await HostApiHelpers.OrderAsync(api, "hooked");
        var oldToken = created.GetProperty("webhookToken").GetString()!;

        var response = await api.PostAsync("/api/v1/hosts/hooked/webhook-token", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var newToken = body.GetProperty("token").GetString()!;
        Assert.NotEqual(oldToken, newToken);
        Assert.EndsWith("/hooks/gitlab", body.GetProperty("webhookUrl").GetString());
        var host = await Helpers.HostAsync(user.CustomerId!.Value, "hooked");
        Assert.Equal(SecretToken.Hash(newToken), host.WebhookTokenHash);
        Assert.True(await Helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == host.Id && a.Action == "host.webhook-token-regenerated" && a.ActorId == user.Id)));
    }

    [Fact]
    public async Task Regenerating_the_webhook_token_succeeds_while_jobs_change_the_host()
    {
        var (user, api) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(api, "busy");
        var host = await Helpers.HostAsync(user.CustomerId!.Value, "busy");
        using var stop = new CancellationTokenSource();
        // A provisioning job's state changes, as fast as they come: each one moves the host's row version on.
        var jobs = Task.Run(async () =>
        {
            var changes = 0;
            while (!stop.IsCancellationRequested)
                changes += await Helpers.DbAsync(db => db.Hosts.Where(h => h.Id == host.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(h => h.UpdatedAt, DateTimeOffset.UtcNow)));
            return changes;
        });

        var answers = new List<HttpStatusCode>();
        string? last = null;
        for (var i = 0; i < 30; i++)
        {
            var response = await api.PostAsync("/api/v1/hosts/busy/webhook-token", null);
            answers.Add(response.StatusCode);
            if (response.IsSuccessStatusCode) last = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        }
        await stop.CancelAsync();

        Assert.True(await jobs > 30, "the host changed meanwhile");
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(SecretToken.Hash(last!), (await Helpers.HostAsync(user.CustomerId!.Value, "busy")).WebhookTokenHash);
    }

    public static TheoryData<string, string> EveryRoute => new()
    {
        { "GET", "/api/v1/hosts" },
        { "POST", "/api/v1/hosts" },
        { "GET", "/api/v1/hosts/{name}" },
        { "GET", "/api/v1/hosts/{name}/environments" },
        { "GET", "/api/v1/hosts/{name}/environments/dev/events" },
        { "GET", "/api/v1/hosts/{name}/environments/dev/outputs" },
        { "GET", "/api/v1/hosts/{name}/releases" },
        { "POST", "/api/v1/hosts/{name}/webhook-token" },
        { "POST", "/api/v1/hosts/{name}/retry" },
        { "DELETE", "/api/v1/hosts/{name}?confirm={name}" },
        { "PUT", "/api/v1/hosts/{name}" },
        { "GET", "/api/v1/hosts/{name}/changes" },
        { "GET", $"/api/v1/hosts/{{name}}/changes/{SomeChange}" },
        { "POST", $"/api/v1/hosts/{{name}}/changes/{SomeChange}/confirm" },
        { "DELETE", $"/api/v1/hosts/{{name}}/changes/{SomeChange}" },
    };

    private static readonly Guid SomeChange = Guid.Parse("7d1f6a52-93b0-4c1e-a1c4-0f2b7c8d9e10");

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task Without_credentials_every_route_is_401(string method, string route)
    {
        using var anonymous = fixture.Portal.CreateClient();
        await HostApiHelpers.ProblemAsync(await SendAsync(anonymous, method, route, "any"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task Operators_get_403_on_every_customer_route(string method, string route)
    {
        var (_, customer) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(customer, "ops-view");
        using var operatorApi = await Helpers.OperatorAsync();

        await HostApiHelpers.ProblemAsync(await SendAsync(operatorApi, method, route, "ops-view"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Customer_A_can_neither_see_nor_change_customer_Bs_host_by_any_route()
    {
        var (_, apiA) = await Helpers.CustomerAsync();
        var (userB, apiB) = await Helpers.CustomerAsync();
        await HostApiHelpers.OrderAsync(apiA, "mine");
        await HostApiHelpers.OrderAsync(apiB, "secret-b", production: true, project: "bcorp/secret");
        var before = await Helpers.HostAsync(userB.CustomerId!.Value, "secret-b");

        foreach (var (method, route) in EveryRoute.Select(r => ((string)r[0], (string)r[1])).Where(r => r.Item2.Contains("{name}")))
        {
            var response = await SendAsync(apiA, method, route, "secret-b");
            var problem = await HostApiHelpers.ProblemAsync(response, HttpStatusCode.NotFound);
            Assert.Contains("no host named 'secret-b'", problem.GetProperty("detail").GetString());
        }
        foreach (var search in new[] { "", "secret", "bcorp" })
        {
            var list = await apiA.GetFromJsonAsync<JsonElement>($"/api/v1/hosts?search={search}");
            Assert.DoesNotContain("secret-b", Names(list));
        }

        var after = await Helpers.HostAsync(userB.CustomerId!.Value, "secret-b");
        Assert.Equal(before.WebhookTokenHash, after.WebhookTokenHash);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(HttpStatusCode.OK, (await apiB.GetAsync("/api/v1/hosts/secret-b")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_and_the_interactive_reference_are_served()
    {
        using var anonymous = fixture.Portal.CreateClient();

        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/hosts", "/api/v1/hosts/{name}", "/api/v1/hosts/{name}/environments",
                     "/api/v1/hosts/{name}/environments/{environment}/events", "/api/v1/hosts/{name}/environments/{environment}/outputs",
                     "/api/v1/hosts/{name}/releases", "/api/v1/hosts/{name}/webhook-token", "/api/v1/hosts/{name}/retry",
                     "/api/v1/hosts/{name}/changes", "/api/v1/hosts/{name}/changes/{id}", "/api/v1/hosts/{name}/changes/{id}/confirm" })
            Assert.Contains(path, paths);
        var hostPath = document.GetProperty("paths").GetProperty("/api/v1/hosts/{name}");
        Assert.Equal("DecommissionHost", hostPath.GetProperty("delete").GetProperty("operationId").GetString());
        var confirm = hostPath.GetProperty("delete").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "confirm");
        Assert.Equal("query", confirm.GetProperty("in").GetString());
        Assert.Contains("confirm", confirm.GetProperty("description").GetString());
        Assert.True(hostPath.GetProperty("delete").GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(hostPath.GetProperty("delete").GetProperty("responses").TryGetProperty("409", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());

        using var browserLike = new HttpClient { BaseAddress = fixture.Portal.BaseUrl };
        var reference = await browserLike.GetAsync("/api-reference");
        Assert.True(reference.StatusCode == HttpStatusCode.OK, $"{reference.StatusCode} {reference.RequestMessage?.RequestUri}");
        Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
        var html = await reference.Content.ReadAsStringAsync();
        Assert.True(html.Contains("\"url\":\"openapi/v1.json\""), html);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string route, string name)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{name}", name));
        if (method == "POST" && route == "/api/v1/hosts")
            request.Content = JsonContent.Create(HostApiHelpers.Order("another"));
        if (method == "PUT")
            request.Content = JsonContent.Create(HostApiHelpers.Order(name));
        return client.SendAsync(request);
    }

    private static List<string> Names(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("name").GetString()!).ToList();

    private static Release Release(Guid environmentId, string commit, string branch, DateTimeOffset at, ReleaseState state) => new()
    {
        HostEnvironmentId = environmentId,
        CommitId = commit,
        Branch = branch,
        AuthorUsername = "dana",
        Message = $"commit {commit}",
        PushedAt = at,
        CreatedAt = at,
        UpdatedAt = at,
        State = state,
        ClientRequestToken = Guid.NewGuid().ToString(),
        PendingApprovalToken = state == ReleaseState.WaitingForApproval ? "approval-token" : null,
    };
}
