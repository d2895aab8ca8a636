using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLab;
using Portal.Tests.Support.GitLabStandIn;
using Portal.Web.Tests.Api;
using Portal.Web.Tests.Webhooks;

namespace Portal.Web.Tests.ScaleOut;

/// <summary>
/// Two portal instances, both running the job server, on one Postgres database, as behind a load balancer: a
/// sign-in through one holds on the other, work is done once, and a routing change made through one reaches the other.
/// Both read the same data-protection key ring (here the default one of the user running the tests; in production
/// the one the portal keeps in the database), as every instance of one deployment must.
/// </summary>
public sealed partial class TwoInstancesTests(PortalFixture fixture) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private PortalHost second = null!;

    public async Task InitializeAsync() =>
        second = await PortalHost.StartAsync(fixture.World.ConnectionString, new Dictionary<string, string?>(ProvisioningWorld.FastJobs)
        {
            ["Aws:ServiceUrl"] = fixture.Emulator.BaseUrl.ToString(),
            ["GitLab:Url"] = fixture.World.GitLab.BaseUrl.ToString(),
        });

    public async Task DisposeAsync() => await second.DisposeAsync();

    [Fact]
    public async Task A_user_signed_in_through_one_instance_is_signed_in_on_the_other()
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        await fixture.Portal.CreateUserAsync(PortalRoles.Customer, email, "Long#Password1");
        var cookie = await SignInAsync(fixture.Portal, email, "Long#Password1");

        foreach (var portal in new[] { fixture.Portal, second })
        {
            using var client = portal.CreateClient();
            client.DefaultRequestHeaders.Add("Cookie", cookie);
            var me = await client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(email, (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
        }
        using var anonymous = second.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task An_order_provisions_once_a_push_starts_one_execution_and_a_new_webhook_token_reaches_both()
    {
        var before = await fixture.Emulator.StatsAsync();
        var order = await fixture.World.OrderAsync("twice", EnvironmentKind.Dev);
        var host = await fixture.World.WaitForAsync(order.Id, HostState.Active);
        var ordered = host.Environments.Single();
        Assert.NotNull(ordered.InfrastructureStackId);
        Assert.NotNull(ordered.SoftwareStackId);
        Assert.Equal(2, Delta(before, await fixture.Emulator.StatsAsync(), "cloudformation:CreateStack"));

        // A push through the second instance: one release, one execution, one StartPipelineExecution for both job servers.
        await EmulatorPipelines.SeedAsync(fixture.Emulator);
        var (released, repository) = await ReleasePortalFixture.CreateHostWithPipelinesAsync(fixture.Portal, fixture.World.GitLab);
        var token = released.WebhookToken;
        before = await fixture.Emulator.StatsAsync();
        var releaseId = await PushAsync(second, repository, token, HttpStatusCode.Accepted);
        var release = await ReleasePortalFixture.WaitForReleaseAsync(second, releaseId, r => r.PipelineExecutionId is not null, "started");
        await Task.Delay(TimeSpan.FromSeconds(2)); // Room for a second start, if either instance were to make one.
        var after = await fixture.Emulator.StatsAsync();
        Assert.Equal(1, Delta(before, after, "codepipeline:StartPipelineExecution"));
        var pipeline = released.Pipelines[EnvironmentKind.Dev];
        var executions = (await second.Services.GetRequiredService<IPipelines>().ListExecutionsAsync(pipeline)).Items;
        Assert.Equal([release.PipelineExecutionId], executions.Select(e => e.PipelineExecutionId));
        Assert.Equal(1, await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Releases
            .CountAsync(r => r.HostEnvironmentId == released.Environments[EnvironmentKind.Dev])));

        // The first instance replaces the token; the second, which has the old one's route in memory, follows at once.
        // The host made straight in the database belongs to a customer of its own: give it to a customer with an API token.
        var (customer, customerToken) = await new PortalTestHelpers(fixture).UserWithTokenAsync(PortalRoles.Customer);
        await fixture.Portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().Hosts.Where(h => h.Id == released.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(h => h.CustomerId, customer.CustomerId!.Value)));
        using var api = fixture.Portal.CreateClient(customerToken);
        var replaced = await api.PostAsync($"/api/v1/hosts/{released.Name}/webhook-token", null);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var newToken = (await replaced.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        await Poll.UntilAsync(() => PushStatusAsync(second, repository, token), status => status == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(5), "the old token to be refused by the second instance", status => status.ToString());
        await PushAsync(second, repository, newToken, HttpStatusCode.Accepted);
        await PushAsync(fixture.Portal, repository, newToken, HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Instances_starting_together_on_an_empty_database_migrate_it_once()
    {
        var connectionString = await PostgresCluster.Shared.CreateDatabaseAsync("twostart");
        var settings = new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = fixture.Emulator.BaseUrl.ToString(),
            ["GitLab:Url"] = fixture.World.GitLab.BaseUrl.ToString(),
            ["Jobs:RunServer"] = "false",
        };
        var starts = await Task.WhenAll(PortalHost.StartAsync(connectionString, settings), PortalHost.StartAsync(connectionString, settings));
        try
        {
            var migrations = await starts[0].WithScopeAsync(services =>
                services.GetRequiredService<PortalDbContext>().Database.GetAppliedMigrationsAsync());
            Assert.NotEmpty(migrations);
            foreach (var portal in starts)
            {
                using var client = portal.CreateClient();
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            }
        }
        finally
        {
            foreach (var portal in starts) await portal.DisposeAsync();
        }
    }

    private static long Delta(Portal.AwsEmulator.Admin.StatsSnapshot before, Portal.AwsEmulator.Admin.StatsSnapshot after, string operation) =>
        after.Operations.GetValueOrDefault(operation) - before.Operations.GetValueOrDefault(operation);

    private static async Task<Guid> PushAsync(PortalHost portal, GitLabRepository repository, string token, HttpStatusCode expected)
    {
        using var client = portal.CreateClient();
        var response = await client.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), token));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.TryGetProperty("releaseId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetGuid() : Guid.Empty;
    }

    private static async Task<HttpStatusCode> PushStatusAsync(PortalHost portal, GitLabRepository repository, string token)
    {
        using var client = portal.CreateClient();
        return (await client.SendAsync(GitLabSender.Push(ReleasePortalFixture.PushOf(repository, "dev"), token))).StatusCode;
    }

    /// <summary>Signs in through the sign-in form as a browser does; the authentication cookie ("name=value").</summary>
    private static async Task<string> SignInAsync(PortalHost portal, string email, string password)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = portal.BaseUrl };
        var form = await client.GetStringAsync("/account/login");
        var antiforgery = AntiforgeryField().Match(form);
        Assert.True(antiforgery.Success, form);
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var auth = cookies.GetCookies(portal.BaseUrl)["portal.auth"];
        Assert.NotNull(auth);
        return $"{auth.Name}={auth.Value}";
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
