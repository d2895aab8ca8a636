using System.Net;
using Portal.GitLabStandIn.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>The seed file run scripts use, and state.json keeping a demo across a restart.</summary>
public sealed class SeedAndStateTests
{
    [Fact]
    public async Task A_seed_file_creates_users_projects_hooks_and_fixed_tokens_and_a_restart_keeps_them()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "gitlab-standin-seed-" + Guid.NewGuid().ToString("N"));
        var seed = Path.Combine(Path.GetTempPath(), $"seed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(seed, """
            {
              "users": [{ "username": "alice", "name": "Alice", "email": "alice@example.com", "public_email": "alice@example.com" }],
              "projects": [{ "path_with_namespace": "acme/web", "default_branch": "main",
                             "members": [{ "username": "alice", "access_level": 40 }],
                             "hooks": [{ "url": "http://127.0.0.1:5080/hooks/gitlab", "token": "hook-secret", "push_events": true }] }],
              "tokens": [{ "kind": "personal", "username": "alice", "scopes": ["api"], "token": "glpat-demo-alice-00000000" },
                         { "kind": "deploy", "project": "acme/web", "username": "deployer", "scopes": ["read_repository"],
                           "token": "gldt-demo-deployer-000000" }]
            }
            """);
        var settings = new Dictionary<string, string?> { ["StandIn:SeedPath"] = seed };
        try
        {
            await using (var first = await StandInHost.StartAsync(settings, dataPath, keepData: true))
                await AssertSeededAsync(first);
            await using var second = await StandInHost.StartAsync(settings, dataPath);
            await AssertSeededAsync(second);
            Assert.Single((await second.AdminGetAsync("projects")).AsArray());
        }
        finally
        {
            File.Delete(seed);
        }
    }

    private static async Task AssertSeededAsync(StandInHost host)
    {
        using var api = host.Api("glpat-demo-alice-00000000");
        var (status, project, _) = await api.GetJsonAsync("projects/acme%2Fweb");
        Assert.Equal(HttpStatusCode.OK, status);
        var (_, hooks, _) = await api.GetJsonAsync($"projects/{project!["id"]}/hooks");
        Assert.Equal("http://127.0.0.1:5080/hooks/gitlab", hooks!.AsArray().Single()!["url"]!.GetValue<string>());
        var clone = GitWork.RunIn(Path.GetTempPath(), "ls-remote",
            GitWork.WithCredentials(new Uri(host.BaseUrl, "/acme/web.git").ToString(), "deployer", "gldt-demo-deployer-000000"));
        Assert.Equal(0, clone.ExitCode);
    }

    [Fact]
    public async Task The_stand_in_refuses_to_start_without_a_data_path()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await StandInHost.StartAsync(new Dictionary<string, string?> { ["StandIn:DataPath"] = "" });
        });
        Assert.Contains("StandIn:DataPath is required", error.ToString());
    }
}
