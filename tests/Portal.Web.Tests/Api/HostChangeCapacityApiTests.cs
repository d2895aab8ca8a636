using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;
using static Portal.Web.Tests.Api.HostChangeApiTests;

namespace Portal.Web.Tests.Api;

/// <summary>
/// A portal without jobs whose shared load balancer has room for one rule (Platform:Quotas), reading the listener's rules
/// afresh for every placement (no snapshot), so a rule made by a test counts at once.
/// </summary>
public sealed class OneRulePortalFixture : IAsyncLifetime
{
    public PortalFixture Fixture { get; } = new(new Dictionary<string, string?>
    {
        ["Jobs:RunServer"] = "false",
        ["Platform:Quotas:RulesPerLoadBalancer"] = "1",
        ["Provisioning:ListenerRulesFreshFor"] = "00:00:00.001",
    });

    public Task InitializeAsync() => Fixture.InitializeAsync();

    public Task DisposeAsync() => Fixture.DisposeAsync();
}

/// <summary>
/// A change that adds an environment no shared load balancer has room for is refused as an order is: 503 problem details
/// naming the platform's capacity (the operator's to fix, not the customer's request), and nothing changes.
/// </summary>
public sealed class HostChangeCapacityApiTests(OneRulePortalFixture crowded) : IClassFixture<OneRulePortalFixture>
{
    private readonly HostApiHelpers helpers = new(crowded.Fixture);

    [Fact]
    public async Task Confirming_an_added_environment_that_fits_on_no_shared_load_balancer_is_503_like_an_order_and_changes_nothing()
    {
        var (user, api) = await helpers.CustomerAsync();
        var customerId = user.CustomerId!.Value;
        var ordered = await api.PostAsJsonAsync("/api/v1/hosts", Edit("squeezed", production: false, _ => { }));
        Assert.True(ordered.StatusCode == HttpStatusCode.Created, await ordered.Content.ReadAsStringAsync());
        await helpers.ActivateAsync(customerId, "squeezed");
        await FillSharedListenerAsync();

        var order = await api.PostAsJsonAsync("/api/v1/hosts", HostApiHelpers.Order("squeezed-too"));
        var proposed = await api.PutAsJsonAsync("/api/v1/hosts/squeezed",
            Edit("squeezed", production: false, o => o["environments"] = new JsonArray("dev", "staging")));
        Assert.True(proposed.StatusCode == HttpStatusCode.Accepted, await proposed.Content.ReadAsStringAsync());
        var id = (await proposed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // What the preview job finds for an added environment (no jobs run here): its stacks to create.
        await helpers.DbAsync(db => db.HostChanges.Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, HostChangeState.Ready)));
        var confirm = await api.PostAsync($"/api/v1/hosts/squeezed/changes/{id}/confirm", null);

        var orderProblem = await HostApiHelpers.ProblemAsync(order, HttpStatusCode.ServiceUnavailable);
        var problem = await HostApiHelpers.ProblemAsync(confirm, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Cannot confirm the change now", problem.GetProperty("title").GetString());
        Assert.Equal(orderProblem.GetProperty("type").GetString(), problem.GetProperty("type").GetString());
        foreach (var detail in new[] { orderProblem, problem }.Select(p => p.GetProperty("detail").GetString()))
        {
            Assert.Contains("shared load balancers are full", detail);
            Assert.Contains("1 of 1 rules", detail);
        }
        Assert.EndsWith("The change was not confirmed.", problem.GetProperty("detail").GetString());
        // The order sends no Retry-After (an operator must add room; no time is known), so neither does the change.
        Assert.Equal((false, false), (order.Headers.Contains("Retry-After"), confirm.Headers.Contains("Retry-After")));

        var host = await helpers.HostAsync(customerId, "squeezed");
        Assert.Equal(HostState.Active, host.State);
        Assert.Equal([EnvironmentKind.Dev], host.Environments.Select(e => e.Kind));
        Assert.Equal("Ready", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/hosts/squeezed/changes/{id}")).GetProperty("state").GetString());
        Assert.False(await helpers.DbAsync(db => db.AuditEntries.AnyAsync(a => a.HostId == host.Id && a.Action == "host.change-confirmed")));
    }

    /// <summary>
    /// Takes the shared listener's one rule with a rule of the platform's own: the ordered host holds no priority yet (no
    /// provisioning job runs here), so without it the listener would have room.
    /// </summary>
    private async Task FillSharedListenerAsync()
    {
        var services = crowded.Fixture.Portal.Services;
        var listener = services.GetRequiredService<PlatformSettings>().SharedListenerArn;
        await services.GetRequiredService<ILoadBalancerRules>().CreateRuleAsync(new CreateRuleRequest(listener, 1,
            [new RuleConditionInfo("host-header", ["filler.apps.example.test"])],
            [new RuleActionInfo("fixed-response", FixedResponse: new FixedResponseInfo("404", "text/plain", "filler"))]));
    }
}
