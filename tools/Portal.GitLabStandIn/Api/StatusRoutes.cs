using System.Text.Json.Nodes;
using Portal.GitLabStandIn.Auth;
using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.Hooks;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Api;

/// <summary>
/// Commit statuses (lib/api/commit_statuses.rb, Ci::CreateCommitStatusService): a status is an external job in the
/// newest pipeline of the commit (one is created when none matches). Posting again updates the caller's running or
/// pending job of that name and ref through CommitStatus's state machine, so an impossible transition is GitLab's 400
/// "Cannot transition status via :run from :running ..."; otherwise a new job replaces (retries) the older ones.
/// </summary>
public sealed class StatusRoutes(RepositoryStore store, RepositoryReader reader, StandInUrls urls, TimeProvider clock)
{
    private static readonly string[] States = ["pending", "running", "success", "failed", "canceled", "skipped"];

    public IEnumerable<ApiRoute> Routes =>
    [
        new("POST", "projects/:id/statuses/:sha", PostAsync),
        new("GET", "projects/:id/repository/commits/:sha/statuses", ListAsync),
    ];

    private async Task<IResult> PostAsync(ApiContext context)
    {
        var user = context.Authenticate();
        var p = context.Params;
        var sha = p.String("sha", required: true)!;
        var state = p.String("state", required: true, allowed: States);
        var @ref = p.String("ref");
        var targetUrl = p.String("target_url");
        var description = p.String("description");
        var name = p.String("name") ?? p.String("context") ?? "default";
        var coverage = p.Float("coverage");
        var pipelineId = p.Integer("pipeline_id");
        p.Validate();
        context.Authorize(ProjectAccess.CanCreateCommitStatus);
        var project = context.UserProject;
        var repository = store.PathOf(project);
        var ct = context.Http.RequestAborted;

        var commit = await reader.ResolveCommitAsync(repository, sha, ct);
        if (commit is null) throw ApiError.NotFound("Commit");
        if (string.IsNullOrEmpty(state)) throw ApiError.Render(400, "State is required");
        var pipeline = context.State.Read(d => FirstMatchingPipeline(d, project.Id, commit, @ref, pipelineId));
        if (pipelineId is not null && pipeline is null) throw ApiError.NotFound("Pipeline for pipeline_id, sha and ref");
        var resolvedRef = @ref ?? pipeline?.Ref ?? (await reader.BranchesContainingAsync(repository, commit, ct)).FirstOrDefault();
        if (string.IsNullOrEmpty(resolvedRef)) throw ApiError.NotFound("References for commit");

        var errors = ValidateStatus(name, targetUrl);
        if (errors.Count > 0) throw ApiError.Validation(400, errors);
        var now = clock.GetUtcNow();
        var saved = context.State.Write(d =>
        {
            var target = pipeline ?? CreatePipeline(d, project.Id, commit, resolvedRef, user.Id, now);
            var existing = d.Statuses.FirstOrDefault(s => s.PipelineId == target.Id && s.Status is "running" or "pending" &&
                s.Ref == resolvedRef && s.Name == name && s.UserId == user.Id);
            // Changes apply to a copy first: a refused transition leaves the stored job as it was (GitLab's transaction).
            var job = existing is null
                ? new CommitStatusRecord
                {
                    ProjectId = project.Id,
                    PipelineId = target.Id,
                    Sha = commit,
                    Ref = resolvedRef,
                    Name = name,
                    UserId = user.Id,
                    CreatedAt = now,
                }
                : existing.Clone();
            if (p.Has("target_url")) job.TargetUrl = targetUrl;
            if (p.Has("description")) job.Description = description;
            if (p.Has("coverage")) job.Coverage = coverage;
            var error = StatusTransitions.Apply(job, state!, now);
            if (error is not null) return (job, error);
            if (existing is null)
            {
                job.Id = StandInState.NextId(d, "ci_builds");
                d.Statuses.Add(job);
            }
            else d.Statuses[d.Statuses.IndexOf(existing)] = job;
            foreach (var older in d.Statuses.Where(s => s.PipelineId == target.Id && s.Name == name && s.Id != job.Id)) older.Retried = true;
            return (job, (string?)null);
        });
        if (saved.Item2 is { } transitionError) throw ApiError.Render(400, transitionError);
        var author = context.State.Read(d => d.Users.FirstOrDefault(u => u.Id == saved.job.UserId));
        return ApiRouter.JsonResult(Entities.CommitStatus(saved.job, author, urls), 201);
    }

    private async Task<IResult> ListAsync(ApiContext context)
    {
        context.Authenticate();
        var p = context.Params;
        var sha = p.String("sha", required: true)!;
        var @ref = p.String("ref");
        var stage = p.String("stage");
        var name = p.String("name");
        var pipelineId = p.Integer("pipeline_id");
        var all = p.Boolean("all") ?? false;
        var orderBy = p.String("order_by", allowed: ["id", "pipeline_id"]) ?? "id";
        var sort = p.String("sort", allowed: ["asc", "desc"]) ?? "asc";
        p.Validate();
        context.Authorize(ProjectAccess.CanReadCommitStatus);
        var project = context.UserProject;
        if (await reader.ResolveCommitAsync(store.PathOf(project), sha, context.Http.RequestAborted) is null) throw ApiError.NotFound("Commit");

        var (statuses, users) = context.State.Read(d =>
        {
            var pipelines = d.Pipelines.Where(x => x.ProjectId == project.Id && x.Sha == sha && (pipelineId is null || x.Id == pipelineId))
                .Select(x => x.Id).ToHashSet();
            var found = d.Statuses.Where(s => pipelines.Contains(s.PipelineId) && (all || !s.Retried) && (@ref is null || s.Ref == @ref) &&
                (stage is null || stage == "external") && (name is null || s.Name == name));
            Func<CommitStatusRecord, long> key = orderBy == "pipeline_id" ? s => s.PipelineId : s => s.Id;
            var ordered = (sort == "desc" ? found.OrderByDescending(key).ThenByDescending(s => s.Id) : found.OrderBy(key).ThenBy(s => s.Id)).ToList();
            return (ordered, d.Users.ToDictionary(u => u.Id));
        });
        var page = Pagination.Apply(context, statuses);
        return ApiRouter.JsonResult(new JsonArray([.. page.Select(s => (JsonNode)Entities.CommitStatus(s, users.GetValueOrDefault(s.UserId), urls))]));
    }

    private static PipelineRecord? FirstMatchingPipeline(StateData d, long projectId, string sha, string? @ref, long? pipelineId) =>
        d.Pipelines.Where(x => x.ProjectId == projectId && x.Sha == sha && (@ref is null || x.Ref == @ref) && (pipelineId is null || x.Id == pipelineId))
            .MaxBy(x => x.Id);

    private static PipelineRecord CreatePipeline(StateData d, long projectId, string sha, string @ref, long userId, DateTimeOffset now)
    {
        var pipeline = new PipelineRecord
        {
            Id = StandInState.NextId(d, "ci_pipelines"),
            Iid = StandInState.NextId(d, $"ci_pipelines:{projectId}"),
            ProjectId = projectId,
            Sha = sha,
            Ref = @ref,
            UserId = userId,
            CreatedAt = now,
        };
        d.Pipelines.Add(pipeline);
        return pipeline;
    }

    /// <summary>GenericCommitStatus: name present and short; target_url an http(s) URL of at most 255 characters.</summary>
    private static Dictionary<string, List<string>> ValidateStatus(string name, string? targetUrl)
    {
        var errors = new Dictionary<string, List<string>>();
        if (name.Length == 0) errors["name"] = ["can't be blank"];
        else if (name.Length > 255) errors["name"] = ["is too long (maximum is 255 characters)"];
        if (targetUrl is null) return errors;
        var messages = new List<string>();
        if (targetUrl.Length == 0) messages.Add("must be a valid URL");
        else if (UrlBlocker.Check(targetUrl, allowLocal: true) is { } blocked) messages.Add($"is blocked: {blocked}");
        if (targetUrl.Length > 255) messages.Add("is too long (maximum is 255 characters)");
        if (messages.Count > 0) errors["target_url"] = messages;
        return errors;
    }
}

/// <summary>CommitStatus's state machine for the events apply_job_state! fires.</summary>
public static class StatusTransitions
{
    private static readonly Dictionary<string, (string To, string[] From)> Events = new()
    {
        ["enqueue"] = ("pending", ["created", "skipped", "manual", "scheduled"]),
        ["run"] = ("running", ["pending"]),
        ["success"] = ("success", ["created", "waiting_for_resource", "preparing", "pending", "running"]),
        ["drop"] = ("failed", ["created", "waiting_for_resource", "preparing", "pending", "running", "scheduled"]),
        ["cancel"] = ("canceled", ["created", "waiting_for_resource", "preparing", "pending", "running", "manual", "scheduled"]),
        ["skip"] = ("skipped", ["created", "waiting_for_resource", "preparing", "pending"]),
    };

    /// <summary>Returns StateMachines::InvalidTransition's message, or null when the job moved.</summary>
    public static string? Apply(CommitStatusRecord job, string state, DateTimeOffset now)
    {
        switch (state)
        {
            case "pending": return Fire(job, "enqueue", now);
            case "running":
                Fire(job, "enqueue", now);
                return Fire(job, "run", now);
            case "success": return Fire(job, "success", now);
            case "failed": return Fire(job, "drop", now);
            case "canceled": return Fire(job, "cancel", now);
            default: return Fire(job, "skip", now);
        }
    }

    private static string? Fire(CommitStatusRecord job, string eventName, DateTimeOffset now)
    {
        var (to, from) = Events[eventName];
        if (!from.Contains(job.Status))
            return $"Cannot transition status via :{eventName} from :{job.Status} (Reason(s): Status cannot transition via \"{eventName}\")";
        if (to == "running") job.StartedAt ??= now;
        if (to is "success" or "failed" or "canceled") job.FinishedAt = now;
        job.Status = to;
        return null;
    }
}
