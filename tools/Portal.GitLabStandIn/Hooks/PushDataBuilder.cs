using System.Text.Json.Nodes;
using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>
/// Gitlab::DataBuilder::Push.build: the push and tag push payload, key for key. At most the 20 newest commits, oldest
/// first, each with its added/modified/removed paths; total_commits_count counts all of them. user_email is the
/// public email or "[REDACTED]" (User#webhook_email). push_options is {}: Git::BaseHooksService does not pass the push's
/// options to the hook payload (only to pipeline creation), so "git push -o ci.skip" still sends {}.
/// </summary>
public sealed class PushDataBuilder(RepositoryReader reader, RepositoryStore store, StandInUrls urls)
{
    public const int MaxCommits = 20;

    public async Task<JsonObject> BuildAsync(ProjectRecord project, UserRecord user, string oldrev, string newrev, string @ref,
        IReadOnlyList<CommitInfo> commits, int commitsCount, string? message, CancellationToken cancellationToken = default)
    {
        var repository = store.PathOf(project);
        var limited = commits.Skip(Math.Max(0, commits.Count - MaxCommits)).ToList();
        var commitAttrs = new JsonArray();
        foreach (var commit in limited) commitAttrs.Add(await CommitAttrsAsync(repository, project, commit, cancellationToken));
        var type = @ref.StartsWith("refs/tags/", StringComparison.Ordinal) ? "tag_push" : "push";
        var hookAttrs = ProjectHookAttrs(project);
        return new JsonObject
        {
            ["object_kind"] = type,
            ["event_name"] = type,
            ["before"] = oldrev,
            ["after"] = newrev,
            ["ref"] = @ref,
            ["ref_protected"] = ProtectedRefs.IsProtected(project, @ref),
            ["checkout_sha"] = await CheckoutShaAsync(repository, newrev, @ref, cancellationToken),
            ["message"] = message,
            ["user_id"] = user.Id,
            ["user_name"] = user.Name,
            ["user_username"] = user.Username,
            ["user_email"] = string.IsNullOrEmpty(user.PublicEmail) ? "[REDACTED]" : user.PublicEmail,
            ["user_avatar"] = StandInUrls.AvatarUrl(user),
            ["project_id"] = project.Id,
            ["project"] = hookAttrs,
            ["commits"] = commitAttrs,
            ["total_commits_count"] = commitsCount,
            ["push_options"] = new JsonObject(),
            ["repository"] = new JsonObject
            {
                ["name"] = hookAttrs["name"]?.DeepClone(),
                ["url"] = hookAttrs["url"]?.DeepClone(),
                ["description"] = hookAttrs["description"]?.DeepClone(),
                ["homepage"] = hookAttrs["homepage"]?.DeepClone(),
                ["git_http_url"] = hookAttrs["git_http_url"]?.DeepClone(),
                ["git_ssh_url"] = hookAttrs["git_ssh_url"]?.DeepClone(),
                ["visibility_level"] = hookAttrs["visibility_level"]?.DeepClone(),
            },
        };
    }

    /// <summary>build_sample: the default branch's 3 newest commits, or SAMPLE_DATA for an empty repository.</summary>
    public async Task<JsonObject> BuildSampleAsync(ProjectRecord project, UserRecord user, bool isTag, CancellationToken cancellationToken = default)
    {
        var repository = store.PathOf(project);
        var head = await reader.ResolveCommitAsync(repository, project.DefaultBranch, cancellationToken);
        if (head is null || await reader.IsEmptyAsync(repository, cancellationToken)) return SampleData(isTag);
        var shas = await reader.RevListAsync(repository, head, null, 3, cancellationToken);
        var commits = await reader.ReadCommitsAsync(repository, shas, cancellationToken);
        var @ref = "refs/heads/" + project.DefaultBranch;
        if (isTag) @ref = "refs/tags/" + (await reader.LatestTagNameAsync(repository, cancellationToken) ?? "v1.0.0");
        return await BuildAsync(project, user, commits[^1].Sha, commits[0].Sha, @ref, [.. commits.Reverse()], commits.Count, null,
            cancellationToken);
    }

    public JsonObject ProjectHookAttrs(ProjectRecord project) => new()
    {
        ["id"] = project.Id,
        ["name"] = project.Name,
        ["description"] = project.Description,
        ["web_url"] = urls.WebUrl(project),
        ["avatar_url"] = null,
        ["git_ssh_url"] = urls.SshUrlToRepo(project),
        ["git_http_url"] = urls.HttpUrlToRepo(project),
        ["namespace"] = project.NamespaceName,
        ["visibility_level"] = project.VisibilityLevel,
        ["path_with_namespace"] = project.FullPath,
        ["default_branch"] = project.DefaultBranch,
        ["ci_config_path"] = null,
        ["homepage"] = urls.WebUrl(project),
        ["url"] = urls.SshUrlToRepo(project),
        ["ssh_url"] = urls.SshUrlToRepo(project),
        ["http_url"] = urls.HttpUrlToRepo(project),
    };

    private async Task<JsonObject> CommitAttrsAsync(string repository, ProjectRecord project, CommitInfo commit, CancellationToken cancellationToken)
    {
        var changes = await reader.ChangedPathsAsync(repository, commit, cancellationToken);
        return new JsonObject
        {
            ["id"] = commit.Sha,
            ["message"] = commit.Message,
            ["title"] = commit.Title,
            ["timestamp"] = commit.CommittedDate,
            ["url"] = urls.CommitUrl(project, commit.Sha),
            ["author"] = new JsonObject { ["name"] = commit.AuthorName, ["email"] = commit.AuthorEmail },
            ["added"] = Strings(changes.Added),
            ["modified"] = Strings(changes.Modified),
            ["removed"] = Strings(changes.Removed),
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    /// <summary>checkout_sha: null when the ref was deleted; a tag's commit; otherwise the new revision.</summary>
    private async Task<string?> CheckoutShaAsync(string repository, string newrev, string @ref, CancellationToken cancellationToken)
    {
        if (newrev == RepositoryReader.BlankSha) return null;
        if (!@ref.StartsWith("refs/tags/", StringComparison.Ordinal)) return newrev;
        var tag = await reader.FindTagAsync(repository, @ref["refs/tags/".Length..], cancellationToken);
        return tag?.CommitSha;
    }

    /// <summary>Gitlab::DataBuilder::Push::SAMPLE_DATA (and SAMPLE_TAG_DATA), sent when testing a hook of an empty project.</summary>
    public static JsonObject SampleData(bool isTag)
    {
        var sample = JsonNode.Parse(SampleJson)!.AsObject();
        if (!isTag) return sample;
        sample["object_kind"] = "tag_push";
        sample["event_name"] = "tag_push";
        sample["ref"] = "refs/tags/v1.0.0";
        return sample;
    }

    private const string SampleJson = """
        {"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22",
        "after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","ref":"refs/heads/master","ref_protected":true,
        "checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","message":"Hello World","user_id":4,"user_name":"John Smith",
        "user_email":"john@example.com",
        "user_avatar":"https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80",
        "project_id":15,"project":{"id":15,"name":"gitlab","description":"","web_url":"http://test.example.com/gitlab/gitlab",
        "avatar_url":"https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=8://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80",
        "git_ssh_url":"git@test.example.com:gitlab/gitlab.git","git_http_url":"http://test.example.com/gitlab/gitlab.git",
        "namespace":"gitlab","visibility_level":0,"path_with_namespace":"gitlab/gitlab","default_branch":"master"},
        "commits":[{"id":"c5feabde2d8cd023215af4d2ceeb7a64839fc428",
        "message":"Add simple search to projects in public area\n\ncommit message body","title":"Add simple search to projects in public area",
        "timestamp":"2013-05-13T18:18:08+00:00",
        "url":"https://test.example.com/gitlab/gitlab/-/commit/c5feabde2d8cd023215af4d2ceeb7a64839fc428",
        "author":{"name":"Test User","email":"test@example.com"}}],"total_commits_count":1,"push_options":{"ci":{"skip":true}}}
        """;
}

/// <summary>Project#protected_for?: a branch or tag matching one of the project's protected names (wildcards allowed).</summary>
public static class ProtectedRefs
{
    public static bool IsProtected(ProjectRecord project, string @ref)
    {
        if (!@ref.StartsWith("refs/heads/", StringComparison.Ordinal)) return false;
        var name = @ref["refs/heads/".Length..];
        var probe = new HookRecord { BranchFilterStrategy = BranchFilter.Wildcard };
        return project.ProtectedBranches.Any(p =>
        {
            probe.PushEventsBranchFilter = p;
            return BranchFilter.Matches(probe, name);
        });
    }
}
