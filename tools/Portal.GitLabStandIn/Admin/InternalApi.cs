using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.Hooks;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Admin;

/// <summary>
/// POST /-/standin/internal/post-receive: gitlab-shell's /api/v4/internal/post_receive. The hook script authenticates
/// with the secret in DataPath/internal/secret; the push is queued and processed off the request, as Sidekiq does.
/// </summary>
public static class InternalApi
{
    public static void Map(RouteGroupBuilder admin) => admin.MapPost("/internal/post-receive", async (HttpRequest request, RepositoryStore store,
        StandInState state, PushProcessor processor, RepositoryReader reader, TimeProvider clock) =>
    {
        if (request.Headers["Gitlab-Shell-Api-Request"].ToString() != store.Secret) return Results.Unauthorized();
        var form = await request.ReadFormAsync();
        var glRepository = form["gl_repository"].ToString();
        var repoPath = store.RelativePathOf(form["repo_path"].ToString());
        var project = state.Read(d => glRepository.StartsWith("project-", StringComparison.Ordinal) &&
            long.TryParse(glRepository["project-".Length..], out var id)
                ? d.Projects.FirstOrDefault(p => p.Id == id)
                : d.Projects.FirstOrDefault(p => p.FullPath == repoPath));
        if (project is null) return Results.NotFound();
        var glId = form["gl_id"].ToString();
        var userId = glId.StartsWith("user-", StringComparison.Ordinal) && long.TryParse(glId["user-".Length..], out var uid) ? uid : StandInState.RootUserId;
        var changes = form["changes"].ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ')).Where(p => p.Length == 3).Select(p => new RefChange(p[0], p[1], p[2])).ToList();
        await AdoptFirstBranchAsync(project, changes, store, state, reader, request.HttpContext.RequestAborted);
        var options = PushOptions.Parse([.. form["push_options[]"].Select(o => o ?? "")]);
        processor.Enqueue(new PushEvent(project.Id, userId, changes, options, clock.GetUtcNow()));
        return Results.Text("", "text/plain");
    });

    /// <summary>
    /// GitLab makes the first branch pushed to an empty repository its default branch and HEAD (gitlab-ce MR 614,
    /// Git::BranchHooksService#branch_create_hooks), so a project whose first push was "dev" has "dev" as default branch.
    /// Done before the push returns, as the branch the project's page and API name.
    /// </summary>
    private static async Task AdoptFirstBranchAsync(ProjectRecord project, IReadOnlyList<RefChange> changes, RepositoryStore store,
        StandInState state, RepositoryReader reader, CancellationToken cancellationToken)
    {
        var created = changes.FirstOrDefault(c => c.OldRev == RepositoryReader.BlankSha && c.NewRev != RepositoryReader.BlankSha &&
            c.Ref.StartsWith("refs/heads/", StringComparison.Ordinal));
        if (created is null || await reader.BranchExistsAsync(store.PathOf(project), project.DefaultBranch, cancellationToken)) return;
        var branch = created.Ref["refs/heads/".Length..];
        await store.SetHeadAsync(project, branch, cancellationToken);
        state.Write(d =>
        {
            var stored = d.Projects.First(p => p.Id == project.Id);
            stored.ProtectedBranches.Remove(stored.DefaultBranch);
            stored.DefaultBranch = branch;
            if (!stored.ProtectedBranches.Contains(branch)) stored.ProtectedBranches.Add(branch);
        });
    }
}
