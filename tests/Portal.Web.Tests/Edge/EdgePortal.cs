using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Tests.Support;
using Portal.Web.Auth;

namespace Portal.Web.Tests.Edge;

/// <summary>A portal on a database of its own (no AWS, no GitLab needed), with people who sign in by cookie or token.</summary>
public abstract class EdgePortal : IAsyncLifetime
{
    public const string Password = "Edge#Password1";

    public PortalHost Portal { get; private set; } = null!;

    internal CapturedLogs Logs { get; } = new();

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual string Environment => "Development";

    public async Task InitializeAsync() =>
        Portal = await PortalHost.StartAsync(await PostgresCluster.Shared.CreateDatabaseAsync("edge"), Settings, Environment, Logs);

    public async Task DisposeAsync() => await Portal.DisposeAsync();

    public Task<PortalUser> UserAsync(string role) =>
        Portal.CreateUserAsync(role, $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@edge.example", Password);

    public async Task<string> TokenAsync(PortalUser user) => (await Portal.WithScopeAsync(services =>
        services.GetRequiredService<ApiTokenService>().CreateAsync(new Actor(user.Id, user.Email!), "edge"))).Value;

    /// <summary>A customer user who owns a host (made in the database: nothing is provisioned).</summary>
    public async Task<(PortalUser User, TestHost Host)> CustomerWithHostAsync()
    {
        var host = await Portal.CreateHostAsync(projectId: null, "edge/app");
        var user = await UserAsync(PortalRoles.Customer);
        await DbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.CustomerId, host.CustomerId)));
        return (user, host);
    }

    public Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> work) =>
        Portal.WithScopeAsync(services => work(services.GetRequiredService<PortalDbContext>()));

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"Expected problem details, got {response.Content.Headers.ContentType}: {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    public static JsonContent EmptyJson() => JsonContent.Create(new { });
}
