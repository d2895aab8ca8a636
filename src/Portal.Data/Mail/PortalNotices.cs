using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Data.Text;

namespace Portal.Data.Mail;

/// <summary>
/// What the portal tells people by e-mail, and whom, in one place. Each call queues the mail in the caller's unit of
/// work (<see cref="MailOutbox"/>). Waiting approvals and failures are essential (someone must act); the outcome of a
/// production approval is news, which customer users may opt out of.
/// </summary>
public static class PortalNotices
{
    public const string ApprovalsPage = "operations/approvals";

    public static string HostPage(string hostName) => $"hosts/{Uri.EscapeDataString(hostName)}";

    /// <summary>The customer's page of one release, where its approvers decide.</summary>
    public static string ReleasePage(string hostName, Guid releaseId) => $"{HostPage(hostName)}/releases/{releaseId}";

    /// <summary>
    /// A release started waiting at an approval: the operators decide; when its wait needs the customer's approval
    /// (<see cref="Release.CustomerApprovalRequired"/>) the order's approvers are told they can approve, those who are portal
    /// approvers (<paramref name="approversInPortal"/>, found by the approval rules) with a link to the release page.
    /// </summary>
    public static async Task ReleaseWaitingAsync(PortalDbContext db, Release release, Host host, string customerName, EnvironmentKind environment,
        int requiredApprovals, IReadOnlyCollection<string> approversInPortal, string approvalTokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var what = $"{EnvironmentNames.Of(environment)} release of {Commits.Short(release.CommitId)} on {customerName} / {host.Name}";
        var pusher = release.AuthorUsername ?? "an unknown GitLab user";
        var count = requiredApprovals == 1 ? "one operator's approval" : $"{requiredApprovals} approvals from different operators";
        var customerStep = release.CustomerApprovalRequired
            ? $" and one from the customer's approvers ({string.Join(", ", host.ApproverEmails)}), in either order"
            : "";
        var news = $"release-waiting:{release.Id:N}:{approvalTokenHash[..16]}";
        await MailOutbox.QueueAsync(db, news, await MailRecipients.OperatorsAsync(db, cancellationToken),
            $"Approval needed: {what}",
            $"The {what} waits for approval. It needs {count}{customerStep}; the person who pushed it ({pusher}) cannot approve it.\n\n" +
            $"Branch: {release.Branch}\nCommit: {release.CommitId}\nMessage: {FirstLine(release.Message)}\n\nDecide on the approvals page.",
            ApprovalsPage, now, cancellationToken);
        if (!release.CustomerApprovalRequired) return;

        foreach (var approver in host.ApproverEmails)
        {
            var isUser = approversInPortal.Contains(approver.Trim(), StringComparer.OrdinalIgnoreCase);
            await MailOutbox.QueueAsync(db, news, [approver], $"Production release waiting for your approval: {customerName} / {host.Name}",
                $"You are an approver of {customerName} / {host.Name}. The {what} waits for approval: one of the host's approvers approves it, " +
                $"and {count} too.\n\n" +
                $"Branch: {release.Branch}\nCommit: {release.CommitId}\nPushed by: {pusher}\nMessage: {FirstLine(release.Message)}\n\n" +
                (isUser
                    ? "Sign in to the portal to approve or reject it on the release's page (a comment is required). Whoever pushed it cannot approve it."
                    : "You are not a portal user of this customer: ask your customer admin for an account with this e-mail to approve it in the portal."),
                isUser ? ReleasePage(host.Name, release.Id) : null, now, cancellationToken);
        }
    }

    /// <summary>A release failed (to start, or in its pipeline): the customer's users are told why.</summary>
    public static async Task ReleaseFailedAsync(PortalDbContext db, Release release, Host host, EnvironmentKind environment, string reason,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var what = $"{EnvironmentNames.Of(environment)} release of {Commits.Short(release.CommitId)} on {host.Name}";
        await MailOutbox.QueueAsync(db, $"release-failed:{release.Id:N}:{now.ToUnixTimeMilliseconds()}",
            await MailRecipients.CustomerUsersAsync(db, host.CustomerId, essential: true, cancellationToken),
            $"Release failed: {what}",
            $"The {what} failed.\n\nReason: {reason}\n\nBranch: {release.Branch}\nCommit: {release.CommitId}\n\n" +
            "The host's page shows its stages; fix the cause and push again, or retry the release there.",
            HostPage(host.Name), now, cancellationToken);
    }

    /// <summary>A production release was approved or rejected (the decision sent to AWS): news for the customer's users.</summary>
    public static async Task ProductionDecidedAsync(PortalDbContext db, Release release, Host host, bool approved, string by, string comment,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var verb = approved ? "approved" : "rejected";
        await MailOutbox.QueueAsync(db, $"release-{verb}:{release.Id:N}:{now.ToUnixTimeMilliseconds()}",
            await MailRecipients.CustomerUsersAsync(db, host.CustomerId, essential: false, cancellationToken),
            $"Production release {verb}: {host.Name} {Commits.Short(release.CommitId)}",
            $"The production release of {Commits.Short(release.CommitId)} on {host.Name} was {verb} by {by}.\n\nComment: {comment}\n\n" +
            (approved ? "The pipeline goes on to deploy." : "The pipeline execution fails at the approval.") +
            "\n\nYou receive this because you chose to hear of approvals; turn it off on your account page.",
            HostPage(host.Name), now, cancellationToken);
    }

    /// <summary>Provisioning (or an update or decommission) of an environment failed: the customer's users and the operators.</summary>
    public static async Task EnvironmentFailedAsync(PortalDbContext db, HostEnvironment environment, Host host, EnvironmentOperation operation,
        string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var verb = operation switch
        {
            EnvironmentOperation.Provision => "Provisioning",
            EnvironmentOperation.Update => "Updating",
            EnvironmentOperation.Decommission => "Decommissioning",
            _ => "An operation on",
        };
        var subject = $"{verb} {EnvironmentNames.Of(environment.Kind)} of {host.Name} failed";
        var body = $"{verb} the {EnvironmentNames.Of(environment.Kind)} environment of host {host.Name} failed.\n\nReason: {reason}\n\n" +
            "The host's page shows its events; it can be retried there once the cause is fixed.";
        var news = $"environment-failed:{environment.Id:N}:{now.ToUnixTimeMilliseconds()}";
        await MailOutbox.QueueAsync(db, news, await MailRecipients.CustomerUsersAsync(db, host.CustomerId, essential: true, cancellationToken),
            subject, body, HostPage(host.Name), now, cancellationToken);
        await MailOutbox.QueueAsync(db, news, await MailRecipients.OperatorsAsync(db, cancellationToken),
            subject, body, $"operations/hosts/{host.Id}", now, cancellationToken);
    }

    private static string FirstLine(string? message) =>
        PostgresText.ShortenNotNull((message ?? "").Split('\n', 2)[0].Trim(), 200);
}
