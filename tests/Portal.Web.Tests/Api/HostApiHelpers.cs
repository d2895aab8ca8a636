using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Tests.Support;

namespace Portal.Web.Tests.Api;

/// <summary>Customers with API tokens, orders as a script would post them, and direct looks into the database.</summary>
internal sealed class HostApiHelpers(PortalFixture fixture)
{
    public async Task<(PortalUser User, HttpClient Api)> CustomerAsync()
    {
        var (user, token) = await new PortalTestHelpers(fixture).UserWithTokenAsync(PortalRoles.Customer);
        return (user, fixture.Portal.CreateClient(token));
    }

    public async Task<HttpClient> OperatorAsync()
    {
        var (_, token) = await new PortalTestHelpers(fixture).UserWithTokenAsync(PortalRoles.Operator);
        return fixture.Portal.CreateClient(token);
    }

    /// <summary>
    /// An operator who linked a GitLab user of the stand-in the way a person does (a read_user token the portal checks
    /// with GET /user): what deciding a production release needs.
    /// </summary>
    public async Task<HttpClient> LinkedOperatorAsync()
    {
        var api = await OperatorAsync();
        var gitLab = fixture.World.GitLab;
        var (_, token) = await gitLab.PersonalTokenAsync(await gitLab.CreateUserAsync("gl" + Guid.NewGuid().ToString("N")[..12]), ["read_user"]);
        using var linked = await api.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token });
        Assert.True(linked.IsSuccessStatusCode, $"linking GitLab: {(int)linked.StatusCode} {await linked.Content.ReadAsStringAsync()}");
        return api;
    }

    /// <summary>
    /// An order of a project of its own (<see cref="ProvisioningWorld.NextProject"/>: a project releases to one live host)
    /// unless <paramref name="project"/> names one, with the tests user's token unless given another.
    /// </summary>
    public static object Order(string name, bool production = false, string? project = null, string token = ProvisioningWorld.GitLabToken) =>
        OrderOf(name, production, project ?? ProvisioningWorld.NextProject(), token);

    private static object OrderOf(string name, bool production, string project, string token) => new
    {
        name,
        plan = "small",
        environments = production ? new[] { "dev", "production" } : ["dev"],
        gitLabProjectPath = project,
        gitLabProjectUrl = ProvisioningWorld.ProjectUrlOf(project),
        gitLabToken = token,
        healthCheckPath = "/health",
        approverEmails = production ? new[] { "ops@acme.example" } : [],
        databaseEngine = "postgres",
    };

    public static async Task<JsonElement> OrderAsync(HttpClient api, string name, bool production = false, string? project = null,
        string token = ProvisioningWorld.GitLabToken)
    {
        var response = await api.PostAsJsonAsync("/api/v1/hosts", Order(name, production, project, token));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Ordering {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        fixture.Portal.WithScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));

    public Task<Host> HostAsync(Guid customerId, string name) =>
        DbAsync(db => db.Hosts.Include(h => h.Environments).AsNoTracking().SingleAsync(h => h.CustomerId == customerId && h.Name == name));

    public Task<HostEnvironment> EnvironmentAsync(Guid customerId, string name, EnvironmentKind kind) =>
        DbAsync(db => db.HostEnvironments.AsNoTracking().SingleAsync(e => e.Host.CustomerId == customerId && e.Host.Name == name && e.Kind == kind));

    public Task AddStackEventsAsync(Guid environmentId, params (string Resource, string Status, DateTimeOffset At)[] events) => DbAsync(async db =>
    {
        foreach (var (resource, status, at) in events)
            db.StackEvents.Add(new StackEvent
            {
                HostEnvironmentId = environmentId,
                EventId = Guid.NewGuid().ToString(),
                StackName = "portal-test-stack",
                Timestamp = at,
                LogicalResourceId = resource,
                ResourceType = "AWS::CloudFormation::Stack",
                ResourceStatus = status,
            });
        return await db.SaveChangesAsync();
    });

    /// <summary>The host and its environments Active, as provisioning leaves them (for portals that run no jobs).</summary>
    public Task ActivateAsync(Guid customerId, string name) => DbAsync(async db =>
    {
        await db.HostEnvironments.Where(e => e.Host.CustomerId == customerId && e.Host.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.State, EnvironmentState.Active).SetProperty(e => e.Operation, EnvironmentOperation.None));
        return await db.Hosts.Where(h => h.CustomerId == customerId && h.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.State, HostState.Active));
    });

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static IReadOnlyList<string> FieldErrors(JsonElement problem, string field) =>
        problem.GetProperty("errors").TryGetProperty(field, out var messages) ? messages.EnumerateArray().Select(m => m.GetString()!).ToList() : [];
}
