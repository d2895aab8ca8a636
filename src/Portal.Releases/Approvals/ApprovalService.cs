using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Mail;
using Portal.Data.Text;
using Portal.Releases.Sync;

namespace Portal.Releases.Approvals;

/// <summary>
/// Operators, and a production host's customer approvers, approve or reject a release waiting at a manual approval. The
/// pipeline's state is read right before deciding so the token is current; then the release row is locked for the
/// decision, so people deciding at once take turns: the second sees the first's decision, only one of them sends
/// PutApprovalResult, and no decision is lost. What a wait needs (the operators' count, and whether the customer's
/// approver must approve too) is the one recorded when it started waiting; earlier approvals are recorded here, the one
/// that completes them is sent to AWS (<see cref="ApprovalRules.Count"/>); a rejection by anyone is sent at once. Nobody
/// approves a commit they pushed, by GitLab user id (<see cref="ApprovalRules"/>). Every decision and refusal is in the
/// audit log. Each call runs on a DbContext of its own (pages call it).
/// </summary>
public sealed class ApprovalService(IDbContextFactory<PortalDbContext> contexts, ReleaseStateSync sync, IPipelines pipelines, TimeProvider time, ILogger<ApprovalService> logger)
{
    /// <summary>An operator's decision, on any release.</summary>
    public Task<DecisionResult> DecideAsync(Guid releaseId, Actor actor, ApprovalOutcome outcome, string? comment,
        CancellationToken cancellationToken = default) =>
        DecideAsync(releaseId, null, actor, outcome, comment, cancellationToken);

    /// <summary>
    /// A customer approver's decision (the customer's step), on a release of their customer's host named
    /// <paramref name="hostName"/>; another customer's release, or one of another host, is not found.
    /// </summary>
    public Task<DecisionResult> DecideAsCustomerAsync(Guid customerId, string hostName, Guid releaseId, Actor actor, ApprovalOutcome outcome,
        string? comment, CancellationToken cancellationToken = default) =>
        DecideAsync(releaseId, (customerId, hostName), actor, outcome, comment, cancellationToken);

    private async Task<DecisionResult> DecideAsync(Guid releaseId, (Guid CustomerId, string HostName)? customer, Actor actor, ApprovalOutcome outcome,
        string? comment, CancellationToken cancellationToken)
    {
        if (actor.UserId is not { } userId) throw new ArgumentException("Only a signed-in person decides on approvals.", nameof(actor));
        if (ApprovalRules.CheckComment(comment) is { } invalid) return new DecisionResult(DecisionOutcome.Invalid, invalid);
        var reason = comment!.Trim();
        var step = customer is null ? ApprovalStep.Operators : ApprovalStep.Customer;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var releases = db.Releases.Where(r => r.Id == releaseId);
        if (customer is { } scope)
            releases = releases.Where(r => r.HostEnvironment.Host.CustomerId == scope.CustomerId && r.HostEnvironment.Host.Name == scope.HostName);
        var environmentId = await releases.Select(r => (Guid?)r.HostEnvironmentId).SingleOrDefaultAsync(cancellationToken);
        if (environmentId is null) return new DecisionResult(DecisionOutcome.NotFound, "There is no such release.");
        var person = await db.Users.Where(u => u.Id == userId).Select(u => new { u.CustomerId, u.Email, u.EmailConfirmed }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new ArgumentException($"No user {userId}.", nameof(actor));
        var approverGitLabId = await db.GitLabIdentities.Where(i => i.UserId == userId).Select(i => (long?)i.GitLabUserId)
            .SingleOrDefaultAsync(cancellationToken);

        if (step == ApprovalStep.Customer)
        {
            var host = await db.Hosts.AsNoTracking().Where(h => h.Environments.Any(e => e.Id == environmentId))
                .Select(h => new { h.Id, h.CustomerId, h.Name, h.ApproverEmails }).SingleAsync(cancellationToken);
            if (!ApprovalRules.IsCustomerApprover(host.CustomerId, host.ApproverEmails, person.CustomerId, person.Email, person.EmailConfirmed))
            {
                var refusal = new DecisionResult(DecisionOutcome.NotApprover,
                    $"You are not an approver of {host.Name}: its approvers are the e-mails its order names ({string.Join(", ", host.ApproverEmails)}). " +
                    "Ask your customer admin to add your verified e-mail to the host's approvers.");
                db.Record(actor, AuditActions.ReleaseDecisionRefused, $"Release {releaseId} of {host.Name}: {refusal.Message}", host.CustomerId, host.Id);
                await db.SaveChangesAsync(cancellationToken);
                return refusal;
            }
        }

        // The token the database holds may be a few seconds old: read the pipeline's state now.
        await sync.SyncEnvironmentAsync(environmentId.Value, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "Releases" WHERE "Id" = {releaseId} FOR UPDATE""", cancellationToken);
        var release = await db.Releases
            .Include(r => r.HostEnvironment).ThenInclude(e => e.Host).ThenInclude(h => h.Customer)
            .SingleAsync(r => r.Id == releaseId, cancellationToken);
        var environment = release.HostEnvironment;
        var decided = new Decided(release, environment.Host, actor, step,
            $"{EnvironmentNames.Of(environment.Kind)} release of {Commits.Short(release.CommitId)} on {environment.Host.Customer.Slug}/{environment.Host.Name}");
        if (release is not { State: ReleaseState.WaitingForApproval, PendingApprovalToken: { } token, PendingApprovalStage: { } stage, PendingApprovalAction: { } action }
            || environment.PipelineName is not { } pipeline)
            return NoLongerWaiting(release.State);

        var tokenHash = ApprovalRules.TokenHash(token);
        var earlier = await db.ApprovalDecisions.AsNoTracking()
            .Where(d => d.ReleaseId == releaseId && d.ApprovalTokenHash == tokenHash)
            .OrderBy(d => d.DecidedAt)
            .Select(d => new { d.OperatorId, d.Outcome, d.CustomerStep, Name = d.Operator.Email ?? d.Operator.UserName ?? "an operator" })
            .ToListAsync(cancellationToken);
        var before = ApprovalRules.Count(earlier.Select(d => (StepOf(d.CustomerStep), d.Outcome)),
            ApprovalRules.RequiredFor(release.RequiredApprovals, environment.Kind, decided.Host.RequiredApprovals), release.CustomerApprovalRequired);

        if (Refusal(decided, before, outcome, approverGitLabId, earlier.FirstOrDefault(d => d.OperatorId == userId)?.Outcome,
                earlier.FirstOrDefault(d => d.CustomerStep && d.Outcome == ApprovalOutcome.Approved)?.Name) is { } refused)
            return await RefuseAsync(db, transaction, decided, refused, cancellationToken);

        var after = outcome == ApprovalOutcome.Approved ? before.With(step) : before;
        var send = outcome == ApprovalOutcome.Rejected || after.Complete;
        if (send)
        {
            var names = earlier.Where(d => d.Outcome == ApprovalOutcome.Approved).Select(d => NameIn(d.Name, StepOf(d.CustomerStep)))
                .Append(NameIn(actor.Name, step));
            var summary = outcome == ApprovalOutcome.Approved
                ? $"Approved in the portal by {string.Join(" and ", names)}: {reason}"
                : $"Rejected in the portal by {NameIn(actor.Name, step)}: {reason}";
            try
            {
                await pipelines.PutApprovalResultAsync(new ApprovalResultRequest(pipeline, stage, action, token,
                    outcome == ApprovalOutcome.Approved, PostgresText.ShortenNotNull(summary, ApprovalRules.MaxAwsSummaryLength)), cancellationToken);
            }
            catch (AwsApprovalNotPendingException e)
            {
                await transaction.RollbackAsync(cancellationToken);
                logger.LogInformation("Approval of release {ReleaseId} by {Operator} refused by AWS as stale: {Code}", releaseId, actor.Name, e.Code);
                db.ChangeTracker.Clear();
                await sync.SyncEnvironmentAsync(environment.Id, cancellationToken);
                var now = await db.Releases.Where(r => r.Id == releaseId).Select(r => r.State).SingleAsync(cancellationToken);
                return NoLongerWaiting(now);
            }
            catch (AwsException e)
            {
                await transaction.RollbackAsync(cancellationToken);
                logger.LogWarning("PutApprovalResult for release {ReleaseId} failed: {Code}: {Message}", releaseId, e.Code, e.AwsMessage);
                return e.Retryable
                    ? Result(DecisionOutcome.AwsUnavailable, $"AWS did not answer ({e.Code}); nothing was decided. Try again in a moment.", release.State, before)
                    : Result(DecisionOutcome.AwsRefused, $"AWS refused the decision ({e.Code}: {e.AwsMessage}); nothing was decided.", release.State, before);
            }
        }

        var at = time.GetUtcNow();
        db.ApprovalDecisions.Add(new ApprovalDecision
        {
            ReleaseId = releaseId,
            OperatorId = userId,
            ApprovalTokenHash = tokenHash,
            Outcome = outcome,
            Comment = reason,
            DecidedAt = at,
            CustomerStep = step == ApprovalStep.Customer,
            SentToAws = send,
        });
        var result = send
            ? await SentAsync(db, decided, outcome, after, reason, at, cancellationToken)
            : await RecordedAsync(db, decided, after, reason, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (send)
        {
            // AWS has the decision but the portal could not record it: the log is the record then.
            logger.LogError(e, "Release {ReleaseId}: {Outcome} by {Operator} was sent to AWS but could not be recorded. Comment: {Comment}",
                releaseId, outcome, actor.Name, reason);
            throw;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return Result(DecisionOutcome.AlreadyDecided, "You have already decided on this release.", release.State, before);
        }

        if (send)
        {
            // Show where the execution went (Deploy, or Failed after a rejection) without waiting for the recurring sync.
            db.ChangeTracker.Clear();
            await sync.SyncEnvironmentAsync(environment.Id, cancellationToken);
        }
        return result;
    }

    /// <summary>The release being decided, by whom and at which step, and how the audit names it.</summary>
    private sealed record Decided(Release Release, Host Host, Actor Actor, ApprovalStep Step, string What);

    /// <summary>Why this decision is refused, or null when it may be taken. Rejections are refused only to someone who already decided.</summary>
    private static DecisionResult? Refusal(Decided decided, ApprovalCount count, ApprovalOutcome outcome, long? approverGitLabId,
        ApprovalOutcome? mine, string? customerApprovedBy)
    {
        var (release, step) = (decided.Release, decided.Step);
        var environment = release.HostEnvironment.Kind;
        if (step == ApprovalStep.Customer && !release.CustomerApprovalRequired)
            return Result(DecisionOutcome.NoCustomerStep,
                $"This {EnvironmentNames.Of(environment)} release does not wait for the customer's approval: the portal's operators decide on it.",
                release.State, count);
        if (mine is { } earlier)
            return Result(DecisionOutcome.AlreadyDecided, $"You have already {Verb(earlier)} this release. " +
                (step, outcome) switch
                {
                    (ApprovalStep.Operators, ApprovalOutcome.Approved) => "The next approval must come from another operator.",
                    (ApprovalStep.Operators, _) => "Ask another operator to reject it, or stop its execution.",
                    (_, ApprovalOutcome.Approved) => "The portal's operators decide next.",
                    _ => "Ask another of the host's approvers or an operator to reject it.",
                },
                release.State, count);
        if (outcome == ApprovalOutcome.Rejected) return null;
        if (ApprovalRules.ApprovalRefusal(environment, release.AuthorUserId, release.AuthorUsername, approverGitLabId, step) is { } why)
            return Result(ApprovalRules.PushedBy(release.AuthorUserId, approverGitLabId) ? DecisionOutcome.OwnPush : DecisionOutcome.Unverified,
                why, release.State, count);
        if (step == ApprovalStep.Customer && count.CustomerApproved)
            return Result(DecisionOutcome.StepComplete,
                $"{customerApprovedBy ?? "Another approver"} has already approved this release for the customer; the portal's operators decide next.",
                release.State, count);
        if (step == ApprovalStep.Operators && count.OperatorsDone)
            return Result(DecisionOutcome.StepComplete,
                $"The operators' approvals are complete ({count.OperatorApprovals} of {count.RequiredApprovals}): the release is waiting for the customer's approver.",
                release.State, count);
        return null;
    }

    /// <summary>An approval recorded, not sent: what is still missing.</summary>
    private static async Task<DecisionResult> RecordedAsync(PortalDbContext db, Decided decided, ApprovalCount count, string reason,
        CancellationToken cancellationToken)
    {
        var approvers = await CustomerApprovers.InPortalAsync(db, decided.Host, cancellationToken);
        var customer = $"the customer's approver ({(approvers.Count > 0 ? string.Join(", ", approvers) : string.Join(", ", decided.Host.ApproverEmails))})";
        var operators = $"{count.OperatorApprovals} of {count.RequiredApprovals}";
        var message = decided.Step == ApprovalStep.Customer
            ? $"Your approval is recorded for the customer. The portal's operators approve next ({operators} so far) before the release goes on."
            : !count.OperatorsDone
                ? $"Your approval is recorded ({operators}). Another operator{(count.WaitsForCustomer ? $" and {customer}" : "")} must approve before the release goes on."
                : $"Your approval is recorded ({operators}). The release is waiting for {customer} before it goes on.";
        db.Record(decided.Actor, AuditActions.ReleaseApprovalRecorded,
            $"{decided.What}: {(decided.Step == ApprovalStep.Customer ? "the customer's approval" : $"approval {operators}")}" +
            $"{(count.WaitsForCustomer ? ", waiting for the customer's approver" : "")}. Comment: {reason}",
            decided.Host.CustomerId, decided.Host.Id);
        return Result(DecisionOutcome.Recorded, message, decided.Release.State, count);
    }

    /// <summary>The decision AWS has now: the release goes on, or fails at the approval.</summary>
    private static async Task<DecisionResult> SentAsync(PortalDbContext db, Decided decided, ApprovalOutcome outcome, ApprovalCount count, string reason,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        var (release, host, actor) = (decided.Release, decided.Host, decided.Actor);
        var approved = outcome == ApprovalOutcome.Approved;
        var by = NameIn(actor.Name, decided.Step);
        release.Decided(approved ? $"Approved by {by}." : $"Rejected by {by}: {reason}", at);
        var counted = count.RequiredApprovals > 1 || count.CustomerApprovalRequired
            ? $" ({count.OperatorApprovals} of {count.RequiredApprovals} operators{(count.CustomerApprovalRequired ? " and the customer's approver" : "")})"
            : "";
        db.Record(actor, approved ? AuditActions.ReleaseApproved : AuditActions.ReleaseRejected,
            $"{decided.What}: {(approved ? $"approval{counted} sent to AWS" : $"rejection{(decided.Step == ApprovalStep.Customer ? " by the customer's approver" : "")} sent to AWS")}. Comment: {reason}",
            host.CustomerId, host.Id);
        if (release.HostEnvironment.Kind == EnvironmentKind.Production)
            await PortalNotices.ProductionDecidedAsync(db, release, host, approved, by, reason, at, cancellationToken);
        return approved
            ? Result(DecisionOutcome.Approved, $"Approved{counted}: sent to AWS, the pipeline goes on to deploy.", ReleaseState.InProgress, count)
            : Result(DecisionOutcome.Rejected, "Rejected: sent to AWS, the pipeline execution fails at the approval.", ReleaseState.InProgress, count);
    }

    private static async Task<DecisionResult> RefuseAsync(PortalDbContext db, IDbContextTransaction transaction, Decided decided, DecisionResult refusal,
        CancellationToken cancellationToken)
    {
        db.Record(decided.Actor, AuditActions.ReleaseDecisionRefused, $"{decided.What}: {refusal.Message}", decided.Host.CustomerId, decided.Host.Id);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return refusal;
    }

    private static DecisionResult Result(DecisionOutcome outcome, string message, ReleaseState state, ApprovalCount count) =>
        new(outcome, message, state, count.OperatorApprovals, count.RequiredApprovals, count.CustomerApprovalRequired, count.CustomerApproved);

    private static ApprovalStep StepOf(bool customerStep) => customerStep ? ApprovalStep.Customer : ApprovalStep.Operators;

    private static string NameIn(string name, ApprovalStep step) => step == ApprovalStep.Customer ? $"{name} (the customer's approver)" : name;

    private static DecisionResult NoLongerWaiting(ReleaseState state) => new(DecisionOutcome.Stale,
        "This approval is no longer current: the pipeline execution was superseded, stopped or decided elsewhere, so nothing was sent. " +
        (state == ReleaseState.WaitingForApproval
            ? "The portal could not read the pipeline just now; the release shows its new state at the next sync."
            : $"The release's state was refreshed: it is now {Words(state)}."), state);

    private static string Verb(ApprovalOutcome outcome) => outcome == ApprovalOutcome.Approved ? "approved" : "rejected";

    /// <summary>"WaitingForApproval" → "waiting for approval".</summary>
    internal static string Words(ReleaseState state) =>
        string.Concat(state.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
