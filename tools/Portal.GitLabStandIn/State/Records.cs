namespace Portal.GitLabStandIn.State;

/// <summary>GitLab's access levels (doc/api/members.md).</summary>
public static class AccessLevel
{
    public const int Guest = 10;
    public const int Reporter = 20;
    public const int Developer = 30;
    public const int Maintainer = 40;
    public const int Owner = 50;

    public static bool IsValid(int level) => level is Guest or Reporter or Developer or Maintainer or Owner;
}

public sealed class UserRecord
{
    public long Id { get; set; }
    public string Username { get; set; } = "";
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    /// <summary>Shown in webhooks; when empty GitLab sends "[REDACTED]" (User#webhook_email).</summary>
    public string? PublicEmail { get; set; }
    public bool Admin { get; set; }
    /// <summary>Project access tokens belong to a bot user that is a member of one project only.</summary>
    public bool Bot { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class MemberRecord
{
    public long UserId { get; set; }
    public int AccessLevel { get; set; }
}

public sealed class ProjectRecord
{
    public long Id { get; set; }
    /// <summary>The last path segment, e.g. "diaspora" of "mike/diaspora".</summary>
    public string Path { get; set; } = "";
    public string NamespacePath { get; set; } = "";
    public string NamespaceName { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string DefaultBranch { get; set; } = "main";
    /// <summary>private, internal or public.</summary>
    public string Visibility { get; set; } = "private";
    public List<MemberRecord> Members { get; set; } = [];
    /// <summary>Protected branch names or wildcards; the default branch is protected when the project is created.</summary>
    public List<string> ProtectedBranches { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }

    public string FullPath => $"{NamespacePath}/{Path}";

    public int VisibilityLevel => Visibility switch { "public" => 20, "internal" => 10, _ => 0 };
}

/// <summary>A personal or project access token (GitLab keeps both in personal_access_tokens). Only a digest is kept.</summary>
public sealed class AccessTokenRecord
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Digest { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public DateOnly? ExpiresAt { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Tokens expire at midnight UTC of their expiry date.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } date && DateOnly.FromDateTime(now.UtcDateTime) >= date;

    public bool IsActive(DateTimeOffset now) => !Revoked && !IsExpired(now);
}

public sealed class DeployTokenRecord
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public string Name { get; set; } = "";
    public string Username { get; set; } = "";
    public string Digest { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public DateOnly? ExpiresAt { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public bool IsActive(DateTimeOffset now) =>
        !Revoked && (ExpiresAt is not { } date || DateOnly.FromDateTime(now.UtcDateTime) < date);
}

public sealed class HookRecord
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public string Url { get; set; } = "";
    /// <summary>Sent as X-Gitlab-Token, never returned by the API.</summary>
    public string? Token { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    /// <summary>push_events, tag_push_events, ... (HookEvents.Names); absent ones take their default.</summary>
    public Dictionary<string, bool> Events { get; set; } = [];
    public bool EnableSslVerification { get; set; } = true;
    public string? PushEventsBranchFilter { get; set; }
    public string BranchFilterStrategy { get; set; } = "wildcard";
    public Dictionary<string, string> CustomHeaders { get; set; } = [];
    public int RecentFailures { get; set; }
    public DateTimeOffset? DisabledUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public bool Fires(string eventName) => Events.TryGetValue(eventName, out var on) ? on : HookEvents.DefaultOf(eventName);

    /// <summary>A copy to change or send from outside the state's lock.</summary>
    public HookRecord Clone()
    {
        var copy = (HookRecord)MemberwiseClone();
        copy.Events = new(Events);
        copy.CustomHeaders = new(CustomHeaders);
        return copy;
    }
}

/// <summary>One delivery (GitLab's web_hook_logs row): what was sent and what came back.</summary>
public sealed class HookLogRecord
{
    public long Id { get; set; }
    public long HookId { get; set; }
    public string Url { get; set; } = "";
    public string Trigger { get; set; } = "";
    public Dictionary<string, string> RequestHeaders { get; set; } = [];
    /// <summary>The JSON body that was sent.</summary>
    public string RequestData { get; set; } = "{}";
    public Dictionary<string, string> ResponseHeaders { get; set; } = [];
    public string ResponseBody { get; set; } = "";
    /// <summary>The HTTP status code, or "internal error" when no answer came (GitLab's InternalErrorResponse).</summary>
    public string ResponseStatus { get; set; } = "";
    public double ExecutionDuration { get; set; }
    public string? InternalErrorMessage { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public string? IdempotencyKey => RequestHeaders.GetValueOrDefault("Idempotency-Key");
}

public sealed class PipelineRecord
{
    public long Id { get; set; }
    public long Iid { get; set; }
    public long ProjectId { get; set; }
    public string Sha { get; set; } = "";
    public string Ref { get; set; } = "";
    public long UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An external job (GenericCommitStatus) in the "external" stage of a pipeline.</summary>
public sealed class CommitStatusRecord
{
    public long Id { get; set; }
    public long ProjectId { get; set; }
    public long PipelineId { get; set; }
    public string Sha { get; set; } = "";
    public string Ref { get; set; } = "";
    public string Name { get; set; } = "default";
    public string Status { get; set; } = "created";
    public string? TargetUrl { get; set; }
    public string? Description { get; set; }
    public double? Coverage { get; set; }
    public long UserId { get; set; }
    /// <summary>A newer status of the same name replaced it; GET .../statuses shows it only with all=true.</summary>
    public bool Retried { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public CommitStatusRecord Clone() => (CommitStatusRecord)MemberwiseClone();
}

/// <summary>The hook events a project hook can subscribe to, with GitLab's column defaults (push_events on).</summary>
public static class HookEvents
{
    public const string Push = "push_events";
    public const string TagPush = "tag_push_events";

    public static readonly IReadOnlyList<string> Names =
    [
        Push, TagPush, "merge_requests_events", "repository_update_events", "issues_events", "confidential_issues_events",
        "note_events", "confidential_note_events", "pipeline_events", "wiki_page_events", "deployment_events",
        "feature_flag_events", "job_events", "releases_events", "milestone_events", "emoji_events",
        "resource_access_token_events", "resource_deploy_token_events", "vulnerability_events",
    ];

    public static bool DefaultOf(string eventName) => eventName == Push;
}
