using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Data.Mail;
using Portal.Data.Text;
using Portal.Tests.Support;
using static Portal.Web.Tests.Operations.ApprovalApi;

namespace Portal.Web.Tests.Operations;

/// <summary>
/// Mail through the outbox to a real SMTP server (npm smtp-server): who is told what, with which link, once; a refused
/// send is retried and still arrives once.
/// </summary>
public sealed class MailTests(MailPortalFixture fixture) : IClassFixture<MailPortalFixture>
{
    private const string PublicUrl = OperatorPortalFixture.PublicUrl;

    [Fact]
    public async Task Operators_and_the_orders_approvers_hear_of_a_waiting_production_release_and_customers_of_its_approval()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var ops = await fixture.OperatorAsync();
        var (approver, approverApi) = await fixture.CustomerAsync(host.CustomerId);
        var (_, gitLabToken) = await fixture.GitLabUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await approverApi.PostAsJsonAsync("/api/v1/me/gitlab-identity", new { token = gitLabToken })).StatusCode);
        var (member, _) = await fixture.CustomerAsync(host.CustomerId);
        var (quiet, quietApi) = await fixture.CustomerAsync(host.CustomerId);
        var outsider = $"qc-{Guid.NewGuid():N}@outside.example";
        Assert.Equal(HttpStatusCode.OK, (await quietApi.PutAsJsonAsync("/api/v1/me/mail-preferences", new { approvalNotices = false })).StatusCode);
        await fixture.DbAsync(db => db.Hosts.Where(h => h.Id == host.Id)
            .ExecuteUpdateAsync(h => h.SetProperty(x => x.ApproverEmails, new List<string> { approver.Email!, outsider })));

        var releaseId = await fixture.PushAsync(host, projectId, "master");
        var waiting = await fixture.WaitingAsync(releaseId);
        var commit = Commits.Short(waiting.CommitId);

        var toOperator = Assert.Single(await fixture.Smtp.WaitForAsync(ops.Email, m => m.Count > 0));
        Assert.StartsWith($"Approval needed: production release of {commit} on Customer ", toOperator.Subject);
        Assert.EndsWith($"/ {host.Name}", toOperator.Subject);
        Assert.Contains($"{PublicUrl}operations/approvals", toOperator.Text);
        Assert.Contains("It needs one operator's approval and one from the customer's approvers", toOperator.Text);
        Assert.Equal("portal@portal.example.test", toOperator.EnvelopeFrom);
        var toApprover = Assert.Single(await fixture.Smtp.WaitForAsync(approver.Email!, m => m.Count > 0));
        Assert.StartsWith("Production release waiting for your approval: Customer ", toApprover.Subject);
        Assert.Contains("approve or reject it on the release's page", toApprover.Text);
        Assert.Contains($"{PublicUrl}hosts/{host.Name}/releases/{releaseId}", toApprover.Text);
        var toOutsider = Assert.Single(await fixture.Smtp.WaitForAsync(outsider, m => m.Count > 0));
        Assert.Contains("not a portal user", toOutsider.Text);
        Assert.DoesNotContain(PublicUrl, toOutsider.Text);

        // The customer's approver approves first; the operator's approval completes it.
        using var customerApproval = await approverApi.PostAsJsonAsync($"/api/v1/hosts/{host.Name}/releases/{releaseId}/decision",
            new { outcome = "approve", comment = "QC signed off." });
        Assert.Equal(HttpStatusCode.OK, customerApproval.StatusCode);
        Assert.Equal("Approved", (await DecideAsync(ops, releaseId, "approve", "Ship it, QC signed off.")).GetProperty("outcome").GetString());

        var approved = (await fixture.Smtp.WaitForAsync(member.Email!, m => m.Any(x => x.Subject!.Contains("approved")))).Single(m => m.Subject!.Contains("approved"));
        Assert.Equal($"Production release approved: {host.Name} {commit}", approved.Subject);
        Assert.Contains($"approved by {ops.Email}", approved.Text);
        Assert.Contains("Ship it, QC signed off.", approved.Text);
        Assert.Contains($"{PublicUrl}hosts/{host.Name}", approved.Text);
        // Mail goes out in order of queueing; by now the opted-out user's would have arrived too.
        await fixture.Smtp.WaitForAsync(approver.Email!, m => m.Any(x => x.Subject!.Contains("approved")));
        Assert.DoesNotContain((await fixture.Smtp.MailboxAsync()).Messages, m => m.IsTo(quiet.Email!));
        // The waiting release was told once, however often the sync looked at it.
        Assert.Single((await fixture.Smtp.MailboxAsync()).Messages, m => m.IsTo(ops.Email) && m.Subject!.StartsWith("Approval needed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejected_production_release_tells_the_customer_it_was_rejected_and_why_it_failed()
    {
        var (host, projectId) = await fixture.HostAsync(requiredApprovals: 1);
        var ops = await fixture.OperatorAsync();
        var (member, _) = await fixture.CustomerAsync(host.CustomerId);
        var (quiet, quietApi) = await fixture.CustomerAsync(host.CustomerId);
        await quietApi.PutAsJsonAsync("/api/v1/me/mail-preferences", new { approvalNotices = false });
        var releaseId = await fixture.PushAsync(host, projectId, "master");
        await fixture.WaitingAsync(releaseId);

        Assert.Equal("Rejected", (await DecideAsync(ops, releaseId, "reject", "Breaks checkout.")).GetProperty("outcome").GetString());
        await fixture.WaitForReleaseAsync(releaseId, ReleaseState.Failed);

        var mails = await fixture.Smtp.WaitForAsync(member.Email!, m => m.Count >= 2);
        Assert.Contains(mails, m => m.Subject!.StartsWith("Production release rejected", StringComparison.Ordinal) && m.Text!.Contains("Breaks checkout."));
        var failed = Assert.Single(mails, m => m.Subject!.StartsWith("Release failed: production release of", StringComparison.Ordinal));
        Assert.Contains("Reason: ", failed.Text);
        Assert.Contains($"{PublicUrl}hosts/{host.Name}", failed.Text);
        // Failures are essential: the user who opted out of approval news still hears of it, and only of it.
        var quietMails = await fixture.Smtp.WaitForAsync(quiet.Email!, m => m.Count > 0);
        Assert.Equal(["Release failed"], quietMails.Select(m => m.Subject!.Split(':')[0]));
    }

    [Fact]
    public async Task A_failed_provisioning_tells_the_customer_and_the_operators_with_the_reason()
    {
        var (host, _) = await fixture.HostAsync();
        var ops = await fixture.OperatorAsync();
        var (member, _) = await fixture.CustomerAsync(host.CustomerId);
        const string reason = "AWS refused CloudFormation: ValidationError: Template format error";

        await fixture.DbAsync(async db =>
        {
            var environment = await db.HostEnvironments.Include(e => e.Host).SingleAsync(e => e.Id == host.Environments[EnvironmentKind.Production]);
            await PortalNotices.EnvironmentFailedAsync(db, environment, environment.Host, EnvironmentOperation.Provision, reason, DateTimeOffset.UtcNow, default);
            return await db.SaveChangesAsync();
        });

        var toCustomer = Assert.Single(await fixture.Smtp.WaitForAsync(member.Email!, m => m.Count > 0));
        Assert.Equal($"Provisioning production of {host.Name} failed", toCustomer.Subject);
        Assert.Contains(reason, toCustomer.Text);
        Assert.Contains($"{PublicUrl}hosts/{host.Name}", toCustomer.Text);
        var toOperator = Assert.Single(await fixture.Smtp.WaitForAsync(ops.Email, m => m.Count > 0));
        Assert.Contains($"{PublicUrl}operations/hosts/{host.Id}", toOperator.Text);
    }

    [Fact]
    public async Task A_send_the_server_refuses_is_retried_with_backoff_and_arrives_once()
    {
        var recipient = $"retry-{Guid.NewGuid():N}@customer.example";
        var attemptsBefore = (await fixture.Smtp.MailboxAsync()).Attempts;
        await fixture.Smtp.RefuseNextAsync(2, 451);

        await fixture.DbAsync(async db =>
        {
            await MailOutbox.QueueAsync(db, $"test:{recipient}", [recipient, recipient.ToUpperInvariant()], "Retried", "Body.", "operations", DateTimeOffset.UtcNow, default);
            // The same news again queues nothing more.
            await MailOutbox.QueueAsync(db, $"test:{recipient}", [recipient], "Retried", "Body.", null, DateTimeOffset.UtcNow, default);
            return await db.SaveChangesAsync();
        });

        var arrived = Assert.Single(await fixture.Smtp.WaitForAsync(recipient, m => m.Count > 0));
        Assert.Contains($"{PublicUrl}operations", arrived.Text);
        var row = await fixture.DbAsync(db => db.OutgoingMails.AsNoTracking().SingleAsync(m => m.Recipient == recipient));
        Assert.Equal(3, row.Attempts);
        Assert.NotNull(row.SentAt);
        Assert.Null(row.AbandonedAt);
        Assert.Contains(row.Id.ToString("N"), arrived.MessageId);
        Assert.True((await fixture.Smtp.MailboxAsync()).Attempts >= attemptsBefore + 3);
        // Well past the retry delays: still one.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single((await fixture.Smtp.MailboxAsync()).Messages, m => m.IsTo(recipient));
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_for_good_is_given_up_with_the_reason()
    {
        var recipient = $"gone-{Guid.NewGuid():N}@customer.example";
        await fixture.Smtp.RefuseNextAsync(1, 550);

        await fixture.DbAsync(async db =>
        {
            await MailOutbox.QueueAsync(db, $"test:{recipient}", [recipient], "Refused", "Body.", null, DateTimeOffset.UtcNow, default);
            return await db.SaveChangesAsync();
        });

        var row = await Poll.UntilAsync(() => fixture.DbAsync(db => db.OutgoingMails.AsNoTracking().SingleAsync(m => m.Recipient == recipient)),
            m => m.AbandonedAt is not null, TimeSpan.FromSeconds(30), "the mail to be given up", m => $"attempts {m.Attempts}, {m.LastError}");
        Assert.Equal(1, row.Attempts);
        Assert.Contains("550", row.LastError);
        Assert.Null(row.SentAt);
    }
}
