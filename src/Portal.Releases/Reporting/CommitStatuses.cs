using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.GitLab;

namespace Portal.Releases.Reporting;

/// <summary>
/// How a release shows in GitLab as a commit status (Commits API, "Set the pipeline status of a commit"): one status
/// name per environment ("portal/production"), pending while queued, running while its execution runs or waits for
/// approval, then success, failed or canceled; the target URL is the release on the host's page.
/// </summary>
public static class CommitStatuses
{
    /// <summary>GitLab keeps at most 255 characters of a status's description.</summary>
    private const int MaxDescriptionLength = 255;

    public static string NameOf(EnvironmentKind kind) => $"portal/{EnvironmentNames.Of(kind)}";

    public static string StateOf(ReleaseState state) => state switch
    {
        ReleaseState.Pending => GitLabCommitStatus.Pending,
        ReleaseState.InProgress or ReleaseState.WaitingForApproval => GitLabCommitStatus.Running,
        ReleaseState.Succeeded => GitLabCommitStatus.Success,
        ReleaseState.Failed => GitLabCommitStatus.Failed,
        _ => GitLabCommitStatus.Canceled,
    };

    public static string Description(ReleaseState state, EnvironmentKind kind, string? reason) => PostgresText.ShortenNotNull(state switch
    {
        ReleaseState.Pending => $"Queued to release to {EnvironmentNames.Of(kind)}",
        ReleaseState.InProgress => $"Releasing to {EnvironmentNames.Of(kind)}",
        ReleaseState.WaitingForApproval => $"Waiting for approval to deploy to {EnvironmentNames.Of(kind)}",
        ReleaseState.Succeeded => $"Deployed to {EnvironmentNames.Of(kind)}",
        ReleaseState.Superseded => "A newer release passed this one",
        _ => reason ?? state.ToString(),
    }, MaxDescriptionLength);

    /// <summary>The release on the host's page in the portal (at most 255 characters, as GitLab takes).</summary>
    public static string TargetUrl(Uri portal, string hostName, Guid releaseId) =>
        new Uri(portal, $"hosts/{Uri.EscapeDataString(hostName)}?release={releaseId:N}").ToString();
}
