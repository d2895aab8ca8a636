namespace Portal.GitLab;

/// <summary>GET /personal_access_tokens/self (personal and project access tokens): what the token may do.</summary>
public sealed record GitLabToken(long Id, string Name, IReadOnlyList<string> Scopes, bool Active, DateOnly? ExpiresAt)
{
    public const string ApiScope = "api";
    public const string ReadApiScope = "read_api";

    public bool Has(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}

/// <summary>GET /user: the token's owner. Pushes name their pusher by the same <see cref="Id"/> (push events' user_id).</summary>
public sealed record GitLabUser(long Id, string Username, string State, bool Bot);

/// <summary>GET /projects/:id. <see cref="AccessLevel"/> is the token user's role in it (10 guest … 40 maintainer, 50 owner).</summary>
public sealed record GitLabProjectInfo(long Id, string PathWithNamespace, string? DefaultBranch, string HttpUrlToRepo, bool EmptyRepo, int? AccessLevel)
{
    public const int Reporter = 20;
    public const int Developer = 30;
    public const int Maintainer = 40;
}

/// <summary>One file of a compare's diffs: a move shows the old and the new path.</summary>
public sealed record GitLabDiffPath(string OldPath, string NewPath);

/// <summary>GET /projects/:id/repository/compare. <see cref="Truncated"/>: GitLab stopped listing diffs (compare_timeout).</summary>
public sealed record GitLabComparison(IReadOnlyList<GitLabDiffPath> Diffs, bool Truncated)
{
    /// <summary>Whether the compared commits differ under <paramref name="folder"/> (a truncated list counts as yes).</summary>
    public bool Touches(string folder)
    {
        var prefix = folder.Trim('/') + "/";
        return Truncated || Diffs.Any(d => d.OldPath.StartsWith(prefix, StringComparison.Ordinal) || d.NewPath.StartsWith(prefix, StringComparison.Ordinal));
    }
}

/// <summary>A project hook as GitLab answers it (the token is never returned).</summary>
public sealed record GitLabHook(long Id, string Url, string? Description, bool PushEvents, string? PushEventsBranchFilter, string? BranchFilterStrategy,
    bool EnableSslVerification, string? AlertStatus);

/// <summary>
/// The portal's project hook of one host: push events only, on the mapped branches (a regex, as branch_filter_strategy
/// "regex" matches anywhere in the name, so it is anchored), SSL verification on, and the host's secret token. Two hosts
/// may release from one project, each with a hook of its own: the description carries the host's id to tell them apart.
/// </summary>
public sealed record PortalHookSettings(string Url, string SecretToken, IReadOnlyCollection<string> Branches, string HostLabel, Guid HostId)
{
    public const string Name = "Portal";
    public const string RegexStrategy = "regex";

    public string Description => $"Starts the portal's releases of host {HostLabel} (portal host {HostId:N}); managed by the portal.";

    /// <summary>Whether the hook is this host's (found again after the portal lost its id).</summary>
    public bool Owns(GitLabHook hook) => hook.Url == Url && hook.Description?.Contains($"portal host {HostId:N}", StringComparison.Ordinal) == true;

    public string BranchFilter => "^(" + string.Join('|', Branches.Order(StringComparer.Ordinal).Select(Escape)) + ")$";

    /// <summary>Whether a hook GitLab has already matches (the token cannot be read back, so it is not compared).</summary>
    public bool IsMatchedBy(GitLabHook hook) =>
        hook.Url == Url && hook.PushEvents && hook.EnableSslVerification && hook.BranchFilterStrategy == RegexStrategy
        && hook.PushEventsBranchFilter == BranchFilter;

    /// <summary>RE2 metacharacters escaped, so a branch such as "release-1.0" matches only itself.</summary>
    private static string Escape(string branch) =>
        string.Concat(branch.Select(c => @"\.+*?()|[]{}^$".Contains(c) ? $"\\{c}" : c.ToString()));

    public override string ToString() => $"PortalHookSettings {{ Url = {Url}, BranchFilter = {BranchFilter} }}";
}

/// <summary>A commit status the portal reports (POST /projects/:id/statuses/:sha).</summary>
public sealed record GitLabCommitStatus(string Sha, string State, string Name, string? Ref, string? TargetUrl, string? Description)
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Success = "success";
    public const string Failed = "failed";
    public const string Canceled = "canceled";
}
