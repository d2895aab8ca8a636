using System.Text.Json.Nodes;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.Faults;
using Portal.GitLabStandIn.Git;

namespace Portal.GitLabStandIn.Api;

/// <summary>
/// Repository routes (lib/api/repositories.rb, lib/api/commits.rb): archive, one commit, compare. All need read_code
/// (a Reporter in a private project).
/// </summary>
public sealed class RepositoryRoutes(RepositoryStore store, RepositoryReader reader, DiffReader diffs, ArchiveStreamer archives, StandInUrls urls,
    ArchiveOutages outages)
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("GET", "projects/:id/repository/archive(.:format)", ArchiveAsync),
        new("GET", "projects/:id/repository/commits/:sha", CommitAsync),
        new("GET", "projects/:id/repository/compare", CompareAsync),
    ];

    private async Task<IResult> ArchiveAsync(ApiContext context)
    {
        context.Authorize(ProjectAccess.CanReadCode);
        var p = context.Params;
        var sha = p.String("sha");
        var format = p.String("format");
        var path = p.String("path");
        p.Boolean("include_lfs_blobs");
        var excludes = p.List("exclude_paths");
        p.Validate();
        var project = context.UserProject;
        if (outages.IsDown(project.Id)) throw new ApiError(502, null, text: "GitLab is not responding");
        var repository = store.PathOf(project);
        var @ref = sha ?? project.DefaultBranch;
        var commit = await reader.ResolveCommitAsync(repository, @ref, context.Http.RequestAborted);
        if (commit is null) throw ApiError.NotFound("File");
        if (path is not null && !await reader.PathExistsAsync(repository, commit, path, context.Http.RequestAborted)) throw ApiError.NotFound("File");
        if (excludes.Any(e => e.Contains('\0'))) throw ApiError.NotFound("File");
        var archive = ArchiveFormat.Of(format);
        var prefix = ArchiveFormat.Prefix(project.Path, @ref, commit, path);
        return new ArchiveResult(archives, repository, commit, prefix, archive, path, excludes);
    }

    private async Task<IResult> CommitAsync(ApiContext context)
    {
        context.Authorize(ProjectAccess.CanReadCode);
        var stats = context.Params.Boolean("stats") ?? true;
        context.Params.Validate();
        var project = context.UserProject;
        var repository = store.PathOf(project);
        var ct = context.Http.RequestAborted;
        var sha = await reader.ResolveCommitAsync(repository, context.Params.Text("sha"), ct);
        var commit = sha is null ? null : await reader.ReadCommitAsync(repository, sha, ct);
        if (commit is null) throw ApiError.NotFound("Commit");
        var statistics = stats ? await reader.StatsAsync(repository, commit, ct) : null;
        var status = context.State.Read(d => PipelineStatus.LatestFor(d, project.Id, commit.Sha));
        return ApiRouter.JsonResult(Entities.CommitDetail(commit, statistics, status, project, urls));
    }

    private async Task<IResult> CompareAsync(ApiContext context)
    {
        context.Authorize(ProjectAccess.CanReadCode);
        var p = context.Params;
        var from = p.String("from", required: true);
        var to = p.String("to", required: true);
        var fromProjectId = p.Integer("from_project_id");
        var straight = p.Boolean("straight") ?? false;
        p.Boolean("unidiff");
        p.Validate();
        var project = context.UserProject;
        if (fromProjectId is { } other && other != project.Id)
            throw ApiError.Render(400, $"Target project id:{other} is not a fork of project id:{p.Text("id")}");
        var repository = store.PathOf(project);
        var ct = context.Http.RequestAborted;
        var fromSha = await reader.ResolveCommitAsync(repository, from, ct);
        var toSha = await reader.ResolveCommitAsync(repository, to, ct);
        if (fromSha is null || toSha is null) throw ApiError.NotFound("Ref");

        var baseSha = straight ? fromSha : await reader.MergeBaseAsync(repository, fromSha, toSha, ct) ?? fromSha;
        var same = fromSha == toSha;
        var commitShas = same ? [] : await reader.CommitsBetweenAsync(repository, fromSha, toSha, ct);
        var commits = await reader.ReadCommitsAsync(repository, commitShas, ct);
        var collection = same ? new DiffCollection([], false) : await diffs.DiffAsync(repository, baseSha, toSha, ct);
        return ApiRouter.JsonResult(new JsonObject
        {
            ["commit"] = commits.Count > 0 ? Entities.Commit(commits[^1], project, urls) : null,
            ["commits"] = new JsonArray([.. commits.Select(c => (JsonNode)Entities.Commit(c, project, urls))]),
            ["diffs"] = new JsonArray([.. collection.Diffs.Select(d => (JsonNode)Entities.Diff(d))]),
            ["compare_timeout"] = collection.Overflow,
            ["compare_same_ref"] = same,
            ["web_url"] = $"{urls.WebUrl(project)}/-/compare/{baseSha}...{toSha}",
        });
    }

    private sealed class ArchiveResult(ArchiveStreamer archives, string repository, string commit, string prefix, ArchiveFormat format,
        string? path, IReadOnlyList<string> excludes) : IResult
    {
        public Task ExecuteAsync(HttpContext http) => archives.StreamAsync(http, repository, commit, prefix, format, path, excludes);
    }
}
