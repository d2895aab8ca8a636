using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.Releases.GitLab;

namespace Portal.Releases.Webhooks;

/// <summary>What a push to a host does: release, wait for its environment, or nothing (and why, in words GitLab shows).</summary>
public static class PushRouting
{
    public const int MaxStoredMessageLength = 10_000;

    /// <summary>GitLab's value for the e-mail of a user who keeps it private.</summary>
    private const string RedactedEmail = "[REDACTED]";

    public static (EnvironmentCandidate? Environment, DeliveryStatus Status, IgnoredBecause? Because, string? Reason) Route(
        HostCandidate host, PushEvent push)
    {
        if (push.IsGitLabSample)
            return (null, DeliveryStatus.Ignored, IgnoredBecause.SamplePush,
                "This is GitLab's sample push (project gitlab/gitlab), which the Test button sends for a project without commits, " +
                "a group webhook or a system hook. It releases nothing; test the webhook of a project with commits to deploy its default branch.");
        if (push.Branch is not { } branch)
            return (null, DeliveryStatus.Ignored, IgnoredBecause.NotABranch,
                $"{Shown(push.Ref)} is not a branch; only pushes to branches start releases.");
        if (push.IsBranchDeletion)
            return (null, DeliveryStatus.Ignored, IgnoredBecause.BranchDeleted, $"Branch {Shown(branch)} was deleted; there is nothing to release.");
        var environments = Routed(host);
        var environment = environments.FirstOrDefault(e => e.Branch == branch);
        if (environment is null)
        {
            var mapped = string.Join(", ", environments.OrderBy(e => e.Kind).Select(e => $"{e.Branch} → {Name(e.Kind)}"));
            return (null, DeliveryStatus.Ignored, IgnoredBecause.UnmappedBranch,
                $"Branch {Shown(branch)} maps to no environment of host {host.Name}" + (mapped.Length > 0 ? $" ({mapped})." : "."));
        }
        if (push.CiSkip)
            return (environment, DeliveryStatus.Ignored, IgnoredBecause.CiSkip,
                "The push asked to skip CI (git push -o ci.skip): nothing is released. Push again without the option to release it.");

        var where = $"The {Name(environment.Kind)} environment of host {host.Name}";
        if (host.State == HostState.Active && environment.State == EnvironmentState.Active && !string.IsNullOrEmpty(environment.PipelineName))
            return (environment, DeliveryStatus.Accepted, null, null);
        if (IsBeingBuilt(host.State, environment.State))
        {
            var state = environment.State is EnvironmentState.Pending or EnvironmentState.Provisioning or EnvironmentState.Updating
                ? environment.State.ToString() : $"{environment.State} (host {host.State})";
            return (environment, DeliveryStatus.Held, null,
                $"{where} is {state}: the push is kept and released when the environment is Active " +
                "(the newest push of the branch, if there are several).");
        }
        var notActive = IsBlocked(host.State) ? $"host {host.State}" : environment.State.ToString();
        return (environment, DeliveryStatus.Ignored, IgnoredBecause.EnvironmentNotActive,
            $"{where} is {notActive}, not Active; pushes release once it is Active. This push was not released " +
            "(resend it from GitLab's Recent events once the environment is Active).");
    }

    /// <summary>Provisioning or updating: the environment will be Active without anyone's doing, so a push waits for it.</summary>
    private static bool IsBeingBuilt(HostState host, EnvironmentState environment) =>
        !IsBlocked(host) && environment is EnvironmentState.Pending or EnvironmentState.Provisioning or EnvironmentState.Updating
        || host is HostState.Ordered or HostState.Provisioning or HostState.Updating && environment is EnvironmentState.Active;

    /// <summary>
    /// The environments whose branches a push may be for: a Decommissioned one of a host that lives on was removed from
    /// it, so its branch maps to nothing any more; a decommissioned host's environments still answer for their host.
    /// </summary>
    private static List<EnvironmentCandidate> Routed(HostCandidate host) =>
        host.State is HostState.Decommissioning or HostState.Decommissioned
            ? [.. host.Environments]
            : host.Environments.Where(e => e.State != EnvironmentState.Decommissioned).ToList();

    private static bool IsBlocked(HostState host) => host is HostState.Failed or HostState.Decommissioning or HostState.Decommissioned;

    /// <summary>The distinct authors of the listed commits (GitLab lists at most 20), as storable text.</summary>
    public static List<CommitAuthor> Authors(PushEvent push) =>
        push.Commits.Where(c => c.Author is not null)
            .Select(c => new CommitAuthor(PostgresText.Clip(c.Author!.Name, 255), Email(c.Author.Email)))
            .Distinct()
            .Take(20)
            .ToList();

    public static string? Email(string? email) =>
        string.IsNullOrWhiteSpace(email) || email == RedactedEmail ? null : PostgresText.Clip(email, 320);

    private static string Shown(string value) => PostgresText.Clip(value, 200)!;

    private static string Name(EnvironmentKind kind) => EnvironmentNames.Of(kind);
}
