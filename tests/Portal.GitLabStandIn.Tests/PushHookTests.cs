using System.Globalization;
using Portal.GitLabStandIn.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>
/// Real git pushes (over HTTP and straight into the bare repository) deliver push hooks as GitLab does
/// (lib/gitlab/data_builder/push.rb, app/services/web_hook_service.rb, app/services/git/*_hooks_service.rb).
/// </summary>
public sealed class PushHookTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private StandInHost Host => fixture.Host;

    [Fact]
    public async Task A_push_over_http_delivers_a_push_hook_with_gitlabs_headers_and_payload()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync(publicEmail: "public@example.com");
        await Host.CreateHookAsync(project, receiver.Url, new { token = "s3cret", push_events = true });
        using var work = GitWork.Clone(project.HttpUrl, "anyone", project.Token);
        var first = work.Commit("Add app\n\nWith a body", ("app/main.cs", "one"), ("README.md", "readme"));
        var second = work.Commit("Change app", ("app/main.cs", "two"));
        work.Run("push", "-q", "origin", "HEAD:main");

        var hook = await receiver.NextAsync();
        Assert.Equal("application/json", hook.Header("Content-Type"));
        Assert.Equal("GitLab/18.0.0", hook.Header("User-Agent"));
        Assert.Equal("Push Hook", hook.Header("X-Gitlab-Event"));
        Assert.Equal("s3cret", hook.Header("X-Gitlab-Token"));
        Assert.Equal(Host.BaseUrl.ToString().TrimEnd('/'), hook.Header("X-Gitlab-Instance"));
        foreach (var name in new[] { "X-Gitlab-Webhook-UUID", "X-Gitlab-Event-UUID", "Idempotency-Key" })
            Assert.True(Guid.TryParse(hook.Header(name), out _), $"{name}: '{hook.Header(name)}'");
        Assert.NotEqual(hook.Header("X-Gitlab-Webhook-UUID"), hook.Header("X-Gitlab-Event-UUID"));

        var data = hook.Json;
        Assert.Equal(["object_kind", "event_name", "before", "after", "ref", "ref_protected", "checkout_sha", "message", "user_id", "user_name",
            "user_username", "user_email", "user_avatar", "project_id", "project", "commits", "total_commits_count", "push_options", "repository"],
            data.Select(p => p.Key).ToArray());
        Assert.Equal("push", data["object_kind"]!.GetValue<string>());
        Assert.Equal(new string('0', 40), data["before"]!.GetValue<string>());
        Assert.Equal(second, data["after"]!.GetValue<string>());
        Assert.Equal(second, data["checkout_sha"]!.GetValue<string>());
        Assert.Equal("refs/heads/main", data["ref"]!.GetValue<string>());
        Assert.True(data["ref_protected"]!.GetValue<bool>());
        Assert.Equal(project.UserId, data["user_id"]!.GetValue<long>());
        Assert.Equal(project.Username, data["user_username"]!.GetValue<string>());
        Assert.Equal("public@example.com", data["user_email"]!.GetValue<string>());
        Assert.Equal(project.Id, data["project"]!["id"]!.GetValue<long>());
        Assert.Equal(project.Path, data["project"]!["path_with_namespace"]!.GetValue<string>());
        Assert.Equal(project.HttpUrl, data["repository"]!["git_http_url"]!.GetValue<string>());
        Assert.Equal(2, data["total_commits_count"]!.GetValue<int>());
        var commits = data["commits"]!.AsArray();
        Assert.Equal([first, second], commits.Select(c => c!["id"]!.GetValue<string>()).ToArray());
        Assert.Equal("Add app\n\nWith a body\n", commits[0]!["message"]!.GetValue<string>());
        Assert.Equal("Add app", commits[0]!["title"]!.GetValue<string>());
        Assert.Equal("""["README.md","app/main.cs"]""", commits[0]!["added"].Json());
        Assert.Equal("""["app/main.cs"]""", commits[1]!["modified"].Json());
        Assert.Equal("author@example.com", commits[1]!["author"]!["email"]!.GetValue<string>());
        Assert.Equal("{}", data["push_options"].Json());
    }

    [Fact]
    public async Task Without_a_public_email_the_payload_says_redacted_and_an_update_lists_only_new_commits()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        await Host.CreateHookAsync(project, receiver.Url);
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        var first = work.Commit("one", ("a.txt", "1"));
        work.Run("push", "-q", "origin", "HEAD:main");
        await receiver.NextAsync();
        var second = work.Commit("two", ("a.txt", "2"));
        work.Run("push", "-q", "origin", "HEAD:main");
        var data = (await receiver.NextAsync()).Json;
        Assert.Equal("[REDACTED]", data["user_email"]!.GetValue<string>());
        Assert.Equal(first, data["before"]!.GetValue<string>());
        Assert.Equal(1, data["total_commits_count"]!.GetValue<int>());
        Assert.Equal(second, data["commits"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(second, data["after"]!.GetValue<string>());
    }

    [Fact]
    public async Task At_most_the_20_newest_commits_are_sent_oldest_first_with_the_full_count()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        await Host.CreateHookAsync(project, receiver.Url);
        using var work = GitWork.Init();
        var shas = Enumerable.Range(1, 25).Select(i => work.Commit($"commit {i}", ("n.txt", i.ToString(CultureInfo.InvariantCulture)))).ToList();
        work.Run("push", "-q", GitWork.WithCredentials(project.HttpUrl, "x", project.Token), "HEAD:main");
        var data = (await receiver.NextAsync()).Json;
        Assert.Equal(25, data["total_commits_count"]!.GetValue<int>());
        Assert.Equal(shas[5..], data["commits"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList());
    }

    [Fact]
    public async Task A_tag_push_sends_a_tag_push_hook_and_a_deleted_branch_a_push_hook_without_checkout_sha()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        await Host.CreateHookAsync(project, receiver.Url, new { push_events = true, tag_push_events = true });
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        var sha = work.Commit("tagged", ("t.txt", "t"));
        work.Run("push", "-q", "origin", "HEAD:main", "HEAD:refs/heads/feature");
        await receiver.NextAsync();
        await receiver.NextAsync();
        work.Run("tag", "-a", "v1.0.0", "-m", "Release 1.0.0");
        work.Run("push", "-q", "origin", "v1.0.0");
        var tag = await receiver.NextAsync();
        Assert.Equal("Tag Push Hook", tag.Header("X-Gitlab-Event"));
        Assert.Equal("tag_push", tag.Json["object_kind"]!.GetValue<string>());
        Assert.Equal("refs/tags/v1.0.0", tag.Json["ref"]!.GetValue<string>());
        Assert.Equal(sha, tag.Json["checkout_sha"]!.GetValue<string>());
        Assert.Equal("Release 1.0.0", tag.Json["message"]!.GetValue<string>());
        Assert.Equal(sha, tag.Json["commits"]![0]!["id"]!.GetValue<string>());

        work.Run("push", "-q", "origin", ":feature");
        var removed = (await receiver.NextAsync()).Json;
        Assert.Equal("refs/heads/feature", removed["ref"]!.GetValue<string>());
        Assert.Equal(new string('0', 40), removed["after"]!.GetValue<string>());
        Assert.Null(removed["checkout_sha"]);
        Assert.Equal(0, removed["total_commits_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_push_straight_into_the_bare_repository_is_attributed_to_the_administrator()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        await Host.CreateHookAsync(project, receiver.Url);
        using var work = GitWork.Init();
        var sha = work.Commit("direct", ("d.txt", "d"));
        var bare = Path.Combine(Host.DataPath, "repositories", project.Path + ".git");
        work.Run("push", "-q", bare, "HEAD:main");
        var data = (await receiver.NextAsync()).Json;
        Assert.Equal(sha, data["after"]!.GetValue<string>());
        Assert.Equal("root", data["user_username"]!.GetValue<string>());
        Assert.Equal(1, data["user_id"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("wildcard", "release/*", "release/1.2", "feature/x")]
    [InlineData("regex", "^(main|release/.*)$", "release/9", "mainline")]
    [InlineData("wildcard", "main", "main", "main-old")]
    public async Task The_branch_filter_decides_which_pushes_are_sent(string strategy, string filter, string matching, string other)
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        await Host.CreateHookAsync(project, receiver.Url, new { push_events_branch_filter = filter, branch_filter_strategy = strategy });
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        work.Commit("c", ("c.txt", "c"));
        work.Run("push", "-q", "origin", $"HEAD:refs/heads/{other}");
        work.Run("push", "-q", "origin", $"HEAD:refs/heads/{matching}");
        var hook = await receiver.NextAsync();
        Assert.Equal($"refs/heads/{matching}", hook.Json["ref"]!.GetValue<string>());
        await receiver.AssertNoneAsync();
    }

    [Fact]
    public async Task Ci_skip_is_parsed_but_the_hook_still_fires_with_empty_push_options_as_gitlab_sends_it()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        await Host.CreateHookAsync(project, receiver.Url);
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        work.Commit("skip me", ("s.txt", "s"));
        work.Run("push", "-q", "-o", "ci.skip", "-o", "ci.variable=A=1", "origin", "HEAD:main");
        var hook = await receiver.NextAsync();
        Assert.Equal("{}", hook.Json["push_options"].Json());
        var pushes = (await Host.AdminGetAsync("pushes")).AsArray().Where(p => p!["project_id"]!.GetValue<long>() == project.Id).ToList();
        Assert.Equal("""{"ci":{"skip":true,"variable":{"A=1":1}}}""", pushes.Single()!["push_options"].Json());
    }

    [Fact]
    public async Task More_than_three_refs_of_one_kind_in_a_push_send_no_hook()
    {
        await using var receiver = await HookReceiver.StartAsync();
        var project = await Host.NewProjectAsync();
        await Host.CreateHookAsync(project, receiver.Url);
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        work.Commit("base", ("b.txt", "b"));
        work.Run("push", "-q", "origin", "HEAD:refs/heads/b1", "HEAD:refs/heads/b2", "HEAD:refs/heads/b3", "HEAD:refs/heads/b4");
        await WaitForPushesAsync(project, 1);
        await receiver.AssertNoneAsync();
        work.Run("push", "-q", "origin", "HEAD:refs/heads/c1", "HEAD:refs/heads/c2", "HEAD:refs/heads/c3");
        var refs = new[] { await receiver.NextAsync(), await receiver.NextAsync(), await receiver.NextAsync() }
            .Select(h => h.Json["ref"]!.GetValue<string>()).Order().ToArray();
        Assert.Equal(["refs/heads/c1", "refs/heads/c2", "refs/heads/c3"], refs);
    }

    [Fact]
    public async Task A_deploy_token_clones_but_cannot_push_and_a_wrong_password_is_refused()
    {
        var project = await Host.NewProjectAsync();
        using (var seed = GitWork.Clone(project.HttpUrl, "x", project.Token))
        {
            seed.Commit("seed", ("s.txt", "s"));
            seed.Run("push", "-q", "origin", "HEAD:main");
        }
        var username = "deployer-" + project.Username;
        var (_, deploy) = await Host.DeployTokenAsync(project.Id, username, ["read_repository"]);
        using var work = GitWork.Clone(project.HttpUrl, username, deploy);
        Assert.True(File.Exists(Path.Combine(work.Directory, "s.txt")));
        work.Commit("nope", ("n.txt", "n"));
        var push = work.TryRun("push", "-q", "origin", "HEAD:main");
        Assert.NotEqual(0, push.ExitCode);
        Assert.Contains("You are not allowed to push code to this project.", push.Error);

        var wrong = GitWork.RunIn(Path.GetTempPath(), "ls-remote", GitWork.WithCredentials(project.HttpUrl, "x", "glpat-wrong-wrong-wrong"));
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("Authentication failed", wrong.Error);
        var otherUser = GitWork.RunIn(Path.GetTempPath(), "ls-remote", GitWork.WithCredentials(project.HttpUrl, "someone-else", deploy));
        Assert.NotEqual(0, otherUser.ExitCode);
    }

    [Fact]
    public async Task A_reporter_can_clone_but_not_push_and_a_stranger_does_not_find_the_project()
    {
        var project = await Host.NewProjectAsync();
        var reporter = await Host.CreateUserAsync("r" + Guid.NewGuid().ToString("N")[..8]);
        await Host.AddMemberAsync(project.Id, reporter, 20);
        var (_, reporterToken) = await Host.PersonalTokenAsync(reporter, ["api"]);
        using var work = GitWork.Init();
        work.Commit("r", ("r.txt", "r"));
        var push = work.TryRun("push", "-q", GitWork.WithCredentials(project.HttpUrl, "r", reporterToken), "HEAD:main");
        Assert.Contains("You are not allowed to push code to this project.", push.Error);
        var stranger = await Host.CreateUserAsync("s" + Guid.NewGuid().ToString("N")[..8]);
        var (_, strangerToken) = await Host.PersonalTokenAsync(stranger, ["api"]);
        var clone = GitWork.RunIn(Path.GetTempPath(), "ls-remote", GitWork.WithCredentials(project.HttpUrl, "s", strangerToken));
        Assert.NotEqual(0, clone.ExitCode);
        Assert.Contains("could not be found", clone.Error);
    }

    private async Task WaitForPushesAsync(TestProject project, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var pushes = (await Host.AdminGetAsync("pushes")).AsArray().Count(p => p!["project_id"]!.GetValue<long>() == project.Id);
            if (pushes >= count) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the push was not processed");
    }
}
