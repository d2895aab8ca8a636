using System.Text.Json.Nodes;
using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Api;

/// <summary>JSON bodies in the field order of GitLab's Grape entities (lib/api/entities/*.rb).</summary>
public static class Entities
{
    public static JsonObject UserBasic(UserRecord user, StandInUrls urls) => new()
    {
        ["id"] = user.Id,
        ["username"] = user.Username,
        ["name"] = user.Name,
        ["state"] = "active",
        ["locked"] = false,
        ["avatar_url"] = StandInUrls.AvatarUrl(user),
        ["web_url"] = urls.UserWebUrl(user),
    };

    /// <summary>Entities::UserPublic for the token's owner: the basic fields, then its e-mails (the private one too).</summary>
    public static JsonObject CurrentUser(UserRecord user, StandInUrls urls)
    {
        var json = UserBasic(user, urls);
        json["created_at"] = RubyText.UtcJsonTime(user.CreatedAt);
        json["public_email"] = user.PublicEmail ?? "";
        json["bot"] = user.Bot;
        json["email"] = user.Email;
        json["is_admin"] = user.Admin;
        return json;
    }

    public static JsonObject Project(ProjectRecord project, long namespaceId, bool empty, int? accessLevel, StandInUrls urls)
    {
        var web = urls.WebUrl(project);
        var api = $"{urls.Base}/api/v4/projects/{project.Id}";
        return new JsonObject
        {
            ["id"] = project.Id,
            ["description"] = project.Description,
            ["name"] = project.Name,
            ["name_with_namespace"] = $"{project.NamespaceName} / {project.Name}",
            ["path"] = project.Path,
            ["path_with_namespace"] = project.FullPath,
            ["created_at"] = RubyText.UtcJsonTime(project.CreatedAt),
            ["default_branch"] = project.DefaultBranch,
            ["tag_list"] = new JsonArray(),
            ["topics"] = new JsonArray(),
            ["ssh_url_to_repo"] = urls.SshUrlToRepo(project),
            ["http_url_to_repo"] = urls.HttpUrlToRepo(project),
            ["web_url"] = web,
            ["readme_url"] = null,
            ["forks_count"] = 0,
            ["avatar_url"] = null,
            ["star_count"] = 0,
            ["last_activity_at"] = RubyText.UtcJsonTime(project.CreatedAt),
            ["visibility"] = project.Visibility,
            ["namespace"] = new JsonObject
            {
                ["id"] = namespaceId,
                ["name"] = project.NamespaceName,
                ["path"] = project.NamespacePath.Split('/')[^1],
                ["kind"] = "group",
                ["full_path"] = project.NamespacePath,
                ["parent_id"] = null,
                ["avatar_url"] = null,
                ["web_url"] = $"{urls.Base}/groups/{project.NamespacePath}",
            },
            ["repository_object_format"] = "sha1",
            ["_links"] = new JsonObject
            {
                ["self"] = api,
                ["issues"] = $"{api}/issues",
                ["merge_requests"] = $"{api}/merge_requests",
                ["repo_branches"] = $"{api}/repository/branches",
                ["labels"] = $"{api}/labels",
                ["events"] = $"{api}/events",
                ["members"] = $"{api}/members",
                ["cluster_agents"] = $"{api}/cluster_agents",
            },
            ["empty_repo"] = empty,
            ["archived"] = false,
            ["issues_enabled"] = true,
            ["merge_requests_enabled"] = true,
            ["wiki_enabled"] = true,
            ["jobs_enabled"] = true,
            ["snippets_enabled"] = true,
            ["container_registry_enabled"] = false,
            ["repository_access_level"] = "enabled",
            ["import_status"] = "none",
            ["open_issues_count"] = 0,
            ["ci_config_path"] = null,
            ["shared_with_groups"] = new JsonArray(),
            ["only_allow_merge_if_pipeline_succeeds"] = false,
            ["permissions"] = new JsonObject
            {
                ["project_access"] = accessLevel is { } level ? new JsonObject { ["access_level"] = level, ["notification_level"] = 3 } : null,
                ["group_access"] = null,
            },
        };
    }

    /// <summary>Entities::PersonalAccessTokenWithLastUsedIps; expires_at is a date.</summary>
    public static JsonObject PersonalAccessToken(AccessTokenRecord token, DateTimeOffset now) => new()
    {
        ["id"] = token.Id,
        ["name"] = token.Name,
        ["revoked"] = token.Revoked,
        ["created_at"] = RubyText.UtcJsonTime(token.CreatedAt),
        ["description"] = token.Description,
        ["scopes"] = new JsonArray([.. token.Scopes.Select(s => (JsonNode)s)]),
        ["user_id"] = token.UserId,
        ["last_used_at"] = token.LastUsedAt is { } used ? RubyText.UtcJsonTime(used) : null,
        ["active"] = token.IsActive(now),
        ["expires_at"] = token.ExpiresAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["last_used_ips"] = new JsonArray(),
    };

    public static JsonObject Commit(CommitInfo commit, ProjectRecord project, StandInUrls urls)
    {
        var trailers = new JsonObject();
        var extended = new JsonObject();
        foreach (var (key, value) in commit.Trailers)
        {
            trailers[key] = value;
            if (extended[key] is not JsonArray list) extended[key] = list = [];
            list.Add(value);
        }
        return new JsonObject
        {
            ["id"] = commit.Sha,
            ["short_id"] = commit.ShortId,
            ["created_at"] = RubyText.JsonTime(commit.CommittedDate),
            ["parent_ids"] = new JsonArray([.. commit.ParentIds.Select(p => (JsonNode)p)]),
            ["title"] = commit.FullTitle,
            ["message"] = commit.Message,
            ["author_name"] = commit.AuthorName,
            ["author_email"] = commit.AuthorEmail,
            ["authored_date"] = RubyText.JsonTime(commit.AuthoredDate),
            ["committer_name"] = commit.CommitterName,
            ["committer_email"] = commit.CommitterEmail,
            ["committed_date"] = RubyText.JsonTime(commit.CommittedDate),
            ["trailers"] = trailers,
            ["extended_trailers"] = extended,
            ["web_url"] = urls.CommitUrl(project, commit.Sha),
        };
    }

    public static JsonObject CommitDetail(CommitInfo commit, CommitStats? stats, string? status, ProjectRecord project, StandInUrls urls)
    {
        var json = Commit(commit, project, urls);
        if (stats is not null)
            json["stats"] = new JsonObject { ["additions"] = stats.Additions, ["deletions"] = stats.Deletions, ["total"] = stats.Total };
        json["status"] = status;
        json["project_id"] = project.Id;
        json["last_pipeline"] = null;
        return json;
    }

    public static JsonObject Diff(DiffEntry diff) => new()
    {
        ["diff"] = diff.Diff,
        ["collapsed"] = diff.Collapsed,
        ["too_large"] = diff.TooLarge,
        ["new_path"] = diff.NewPath,
        ["old_path"] = diff.OldPath,
        ["a_mode"] = diff.AMode,
        ["b_mode"] = diff.BMode,
        ["new_file"] = diff.NewFile,
        ["renamed_file"] = diff.RenamedFile,
        ["deleted_file"] = diff.DeletedFile,
        ["generated_file"] = false,
    };

    public static JsonObject Hook(HookRecord hook, bool withDetails, string alertStatus)
    {
        var json = new JsonObject
        {
            ["id"] = hook.Id,
            ["url"] = hook.Url,
            ["name"] = hook.Name,
            ["description"] = hook.Description,
            ["created_at"] = RubyText.UtcJsonTime(hook.CreatedAt),
            ["push_events"] = hook.Fires(HookEvents.Push),
            ["tag_push_events"] = hook.Fires(HookEvents.TagPush),
            ["merge_requests_events"] = hook.Fires("merge_requests_events"),
            ["repository_update_events"] = hook.Fires("repository_update_events"),
            ["enable_ssl_verification"] = hook.EnableSslVerification,
            ["alert_status"] = alertStatus,
            ["disabled_until"] = hook.DisabledUntil is { } until ? RubyText.UtcJsonTime(until) : null,
        };
        if (withDetails) json["url_variables"] = new JsonArray();
        json["push_events_branch_filter"] = hook.PushEventsBranchFilter;
        json["branch_filter_strategy"] = hook.BranchFilterStrategy;
        json["custom_webhook_template"] = null;
        if (withDetails) json["custom_headers"] = new JsonArray([.. hook.CustomHeaders.Keys.Select(k => (JsonNode)new JsonObject { ["key"] = k })]);
        json["project_id"] = hook.ProjectId;
        foreach (var name in HookEvents.Names.Where(n => !json.ContainsKey(n))) json[name] = hook.Fires(name);
        return json;
    }

    public static JsonObject WebHookLog(HookLogRecord log) => new()
    {
        ["id"] = log.Id,
        ["url"] = log.Url,
        ["trigger"] = log.Trigger,
        ["request_headers"] = Headers(log.RequestHeaders),
        ["request_data"] = JsonNode.Parse(log.RequestData),
        ["response_headers"] = Headers(log.ResponseHeaders),
        ["response_body"] = log.ResponseBody,
        ["execution_duration"] = log.ExecutionDuration,
        ["response_status"] = log.ResponseStatus,
        ["created_at"] = RubyText.UtcJsonTime(log.CreatedAt),
    };

    private static JsonObject Headers(Dictionary<string, string> headers)
    {
        var json = new JsonObject();
        foreach (var (key, value) in headers) json[key] = value;
        return json;
    }

    public static JsonObject CommitStatus(CommitStatusRecord status, UserRecord? author, StandInUrls urls) => new()
    {
        ["id"] = status.Id,
        ["sha"] = status.Sha,
        ["ref"] = status.Ref,
        ["status"] = status.Status,
        ["name"] = status.Name,
        ["target_url"] = status.TargetUrl,
        ["description"] = status.Description,
        ["created_at"] = RubyText.UtcJsonTime(status.CreatedAt),
        ["started_at"] = status.StartedAt is { } started ? RubyText.UtcJsonTime(started) : null,
        ["finished_at"] = status.FinishedAt is { } finished ? RubyText.UtcJsonTime(finished) : null,
        ["allow_failure"] = false,
        ["coverage"] = status.Coverage,
        ["pipeline_id"] = status.PipelineId,
        ["author"] = author is null ? null : UserBasic(author, urls),
    };
}
