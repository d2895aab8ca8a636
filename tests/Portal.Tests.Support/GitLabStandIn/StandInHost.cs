using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.GitLabStandIn;
using Xunit;

namespace Portal.Tests.Support.GitLabStandIn;

/// <summary>A maintainer, their token and a fresh private project: what most tests start from.</summary>
public sealed record TestProject(long Id, string Path, long UserId, string Username, string Token, string HttpUrl);

/// <summary>
/// The stand-in in-process on a free loopback port over real HTTP, with its own data directory. Local webhook targets
/// are allowed (the receivers listen on loopback) unless a test says otherwise.
/// </summary>
public sealed class StandInHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private static int counter;
    private bool keepData;

    private StandInHost(WebApplication app, Uri baseUrl, string dataPath)
    {
        this.app = app;
        BaseUrl = baseUrl;
        DataPath = dataPath;
        Admin = new HttpClient { BaseAddress = new Uri(baseUrl, "/-/standin/") };
    }

    public Uri BaseUrl { get; }
    public string DataPath { get; }
    public HttpClient Admin { get; }
    public IServiceProvider Services => app.Services;

    public static async Task<StandInHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, string? dataPath = null,
        bool keepData = false)
    {
        dataPath ??= Path.Combine(Path.GetTempPath(), $"gitlab-standin-{Environment.ProcessId}-{Interlocked.Increment(ref counter)}-{Guid.NewGuid():N}");
        var app = StandInApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["StandIn:DataPath"] = dataPath,
                ["StandIn:AllowLocalRequestsFromWebHooksAndServices"] = "true",
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new StandInHost(app, new Uri(address), dataPath) { keepData = keepData };
    }

    public HttpClient Api(string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl, "/api/v4/") };
        if (token is not null) client.DefaultRequestHeaders.Add("PRIVATE-TOKEN", token);
        return client;
    }

    public async Task<JsonObject> AdminPostAsync(string path, object body)
    {
        using var response = await Admin.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonNode> AdminGetAsync(string path) => JsonNode.Parse(await Admin.GetStringAsync(path))!;

    public async Task<long> CreateUserAsync(string username, string? publicEmail = null, bool admin = false) =>
        (await AdminPostAsync("users", new { username, name = $"{username} name", email = $"{username}@example.com", public_email = publicEmail, admin }))
            ["id"]!.GetValue<long>();

    public async Task<long> CreateProjectAsync(string path, string visibility = "private", string defaultBranch = "main") =>
        (await AdminPostAsync("projects", new { path_with_namespace = path, visibility, default_branch = defaultBranch }))["id"]!.GetValue<long>();

    public Task AddMemberAsync(long projectId, long userId, int accessLevel) =>
        AdminPostAsync($"projects/{projectId}/members", new { user_id = userId, access_level = accessLevel });

    public async Task<(long Id, string Token)> PersonalTokenAsync(long userId, string[] scopes, string? expiresAt = null)
    {
        var created = await AdminPostAsync("tokens/personal", new { user_id = userId, scopes, expires_at = expiresAt });
        return (created["id"]!.GetValue<long>(), created["token"]!.GetValue<string>());
    }

    public async Task<(long Id, string Token)> ProjectTokenAsync(long projectId, string[] scopes, int accessLevel = 40, string? expiresAt = null)
    {
        var created = await AdminPostAsync("tokens/project", new { project_id = projectId, scopes, access_level = accessLevel, expires_at = expiresAt });
        return (created["id"]!.GetValue<long>(), created["token"]!.GetValue<string>());
    }

    public async Task<(long Id, string Token)> DeployTokenAsync(long projectId, string username, string[] scopes)
    {
        var created = await AdminPostAsync("tokens/deploy", new { project_id = projectId, username, scopes });
        return (created["id"]!.GetValue<long>(), created["token"]!.GetValue<string>());
    }

    /// <summary>A new user (Maintainer of a new private project) with an api token.</summary>
    public async Task<TestProject> NewProjectAsync(string? publicEmail = null, string visibility = "private")
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        var userId = await CreateUserAsync(name, publicEmail);
        var path = $"group-{name}/project-{name}";
        var projectId = await CreateProjectAsync(path, visibility);
        await AddMemberAsync(projectId, userId, 40);
        var (_, token) = await PersonalTokenAsync(userId, ["api"]);
        return new TestProject(projectId, path, userId, name, token, new Uri(BaseUrl, $"/{path}.git").ToString());
    }

    public async Task<long> CreateHookAsync(TestProject project, string url, object? extra = null)
    {
        using var api = Api(project.Token);
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra ?? new { }))!.AsObject();
        body["url"] = url;
        using var response = await api.PostAsync($"projects/{project.Id}/hooks", new StringContent(body.ToJsonString(), MediaTypeHeaderValue.Parse("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"creating a hook: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<long>();
    }

    public async Task SettingsAsync(object settings)
    {
        using var response = await Admin.PutAsJsonAsync("settings", settings);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        if (keepData) return;
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>One stand-in shared by the tests of a class; each test makes its own users and projects.</summary>
public sealed class StandInFixture : IAsyncLifetime
{
    public StandInHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await StandInHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
