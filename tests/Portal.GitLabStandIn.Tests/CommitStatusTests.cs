using System.Net;
using Portal.GitLabStandIn.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>Commit statuses (lib/api/commit_statuses.rb, Ci::CreateCommitStatusService, CommitStatus's state machine).</summary>
public sealed class CommitStatusTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private StandInHost Host => fixture.Host;

    private async Task<(TestProject Project, string Sha)> ProjectWithCommitAsync()
    {
        var project = await Host.NewProjectAsync();
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        var sha = work.Commit("status me", ("s.txt", "s"));
        work.Run("push", "-q", "origin", "HEAD:main");
        return (project, sha);
    }

    [Fact]
    public async Task A_status_moves_pending_running_success_and_the_commit_shows_it()
    {
        var (project, sha) = await ProjectWithCommitAsync();
        using var api = Host.Api(project.Token);
        var (status, pending, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}",
            new { state = "pending", name = "portal/deploy", target_url = "https://portal.example.com/releases/1", description = "Queued" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("pending", pending!["status"]!.GetValue<string>());
        Assert.Equal("main", pending["ref"]!.GetValue<string>());
        Assert.Equal(project.Username, pending["author"]!["username"]!.GetValue<string>());
        var id = pending["id"]!.GetValue<long>();

        var (_, running, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}", new { state = "running", name = "portal/deploy" });
        Assert.Equal(id, running!["id"]!.GetValue<long>());
        Assert.NotNull(running["started_at"]);
        Assert.Equal("Queued", running["description"]!.GetValue<string>());
        Assert.Equal("running", (await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}")).Json!["status"]!.GetValue<string>());

        var (_, success, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}", new { state = "success", name = "portal/deploy" });
        Assert.Equal("success", success!["status"]!.GetValue<string>());
        Assert.NotNull(success["finished_at"]);
        Assert.Equal("success", (await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}")).Json!["status"]!.GetValue<string>());

        // A finished job is not updated: the next post is a new job, and the listing shows the newest only unless all=true.
        var (_, again, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}", new { state = "failed", name = "portal/deploy" });
        Assert.NotEqual(id, again!["id"]!.GetValue<long>());
        var (_, latest, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}/statuses");
        Assert.Equal("failed", latest!.AsArray().Single()!["status"]!.GetValue<string>());
        var (_, all, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}/statuses?all=true");
        Assert.Equal(2, all!.AsArray().Count);
    }

    [Theory]
    [InlineData("running", "running", "Cannot transition status via :run from :running (Reason(s): Status cannot transition via \"run\")")]
    [InlineData("pending", "pending", "Cannot transition status via :enqueue from :pending (Reason(s): Status cannot transition via \"enqueue\")")]
    [InlineData("running", "pending", "Cannot transition status via :enqueue from :running (Reason(s): Status cannot transition via \"enqueue\")")]
    [InlineData("running", "skipped", "Cannot transition status via :skip from :running (Reason(s): Status cannot transition via \"skip\")")]
    public async Task Impossible_transitions_are_400_and_leave_the_status_as_it_was(string first, string second, string message)
    {
        var (project, sha) = await ProjectWithCommitAsync();
        using var api = Host.Api(project.Token);
        await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}", new { state = first });
        var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}",
            new { state = second, description = "should not stick" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, json!["message"]!.GetValue<string>());
        var (_, list, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}/statuses");
        Assert.Equal(first, list!.AsArray().Single()!["status"]!.GetValue<string>());
        Assert.Null(list.AsArray().Single()!["description"]);
    }

    [Fact]
    public async Task Bad_requests_get_gitlabs_answers()
    {
        var (project, sha) = await ProjectWithCommitAsync();
        using var api = Host.Api(project.Token);
        async Task Expect(string path, object body, int status, string answer)
        {
            var (actual, json, _) = await api.SendJsonAsync(HttpMethod.Post, path, body);
            Assert.Equal(status, (int)actual);
            Assert.Equal(answer, json.Json());
        }
        await Expect($"projects/{project.Id}/statuses/{sha}", new { state = "done" }, 400, """{"error":"state does not have a valid value"}""");
        await Expect($"projects/{project.Id}/statuses/{sha}", new { }, 400, """{"error":"state is missing, state does not have a valid value"}""");
        await Expect($"projects/{project.Id}/statuses/{new string('a', 40)}", new { state = "pending" }, 404, """{"message":"404 Commit Not Found"}""");
        await Expect($"projects/{project.Id}/statuses/--output=x", new { state = "pending" }, 404, """{"message":"404 Commit Not Found"}""");
        await Expect($"projects/{project.Id}/statuses/{sha}", new { state = "pending", target_url = "javascript:alert(1)" }, 400,
            """{"message":{"target_url":["is blocked: Only allowed schemes are http, https"]}}""");
        await Expect($"projects/{project.Id}/statuses/{sha}", new { state = "pending", name = new string('x', 100_000) }, 400,
            """{"message":{"name":["is too long (maximum is 255 characters)"]}}""");
        await Expect($"projects/{project.Id}/statuses/{sha}", new { state = "pending", pipeline_id = 999999 }, 404,
            """{"message":"404 Pipeline for pipeline_id, sha and ref Not Found"}""");
        await Expect($"projects/999999/statuses/{sha}", new { state = "pending" }, 404, """{"message":"404 Project Not Found"}""");
    }

    [Fact]
    public async Task A_reporter_reads_statuses_but_cannot_post_and_a_stranger_does_not_find_the_project()
    {
        var (project, sha) = await ProjectWithCommitAsync();
        var reporter = await Host.CreateUserAsync("r" + Guid.NewGuid().ToString("N")[..8]);
        await Host.AddMemberAsync(project.Id, reporter, 20);
        var (_, token) = await Host.PersonalTokenAsync(reporter, ["api"]);
        using var api = Host.Api(token);
        var (status, json, _) = await api.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}", new { state = "pending" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("""{"message":"403 Forbidden"}""", json.Json());
        Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}/statuses")).Status);
        var stranger = await Host.CreateUserAsync("s" + Guid.NewGuid().ToString("N")[..8]);
        var (_, strangerToken) = await Host.PersonalTokenAsync(stranger, ["api"]);
        using var other = Host.Api(strangerToken);
        Assert.Equal(HttpStatusCode.NotFound, (await other.SendJsonAsync(HttpMethod.Post, $"projects/{project.Id}/statuses/{sha}", new { state = "pending" })).Status);
        using var anonymous = Host.Api();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}/statuses")).Status);
    }
}
