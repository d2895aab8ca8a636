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
/// Operators approve or reject a release waiting at a manual approval. The pipeline's state is read right before
/// deciding so the token is current; then the release row is locked for the decision, so operators deciding at once
/// take turns: the second sees the first's decision, only one of them sends PutApprovalResult, and no decision is lost.
/// Production needs the host's number of approvals from different operators (the earlier ones are recorded here, the
/// last one is sent to AWS); dev and staging need one; a rejection by anyone is sent at once. The count is the one the
/// release started waiting under. Nobody approves a commit they pushed, by GitLab user id (<see cref="ApprovalRules"/>). Every decision and refusal is in the audit log. Each call runs on a DbContext of its own (pages call it).
/// </summary>
public sealed class ApprovalService(IDbContextFactory<PortalDbContext> contexts, ReleaseStateSync sync, IPipelines pipelines, TimeProvider time, ILogger<ApprovalService> logger)
{
    public async Task<DecisionResult> DecideAsync(Guid releaseId, Actor actor, ApprovalOutcome outcome, string? comment,
        CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } operatorId) throw new ArgumentException("Only a signed-in operator decides on approvals.", nameof(actor));
        if (ApprovalRules.CheckComment(comment) is { } invalid) return new DecisionResult(DecisionOutcome.Invalid, invalid);
        var reason = comment!.Trim();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var environmentId = await db.Releases.Where(r => r.Id == releaseId).Select(r => (Guid?)r.HostEnvironmentId).SingleOrDefaultAsync(cancellationToken);
        if (environmentId is null) return new DecisionResult(DecisionOutcome.NotFound, "There is no such release.");
        if (!await db.Users.AnyAsync(u => u.Id == operatorId, cancellationToken)) throw new ArgumentException($"No user {operatorId}.", nameof(actor));
        var approverGitLabId = await db.GitLabIdentities.Where(i => i.UserId == operatorId).Select(i => (long?)i.GitLabUserId)
            .SingleOrDefaultAsync(cancellationToken);

        // The token the database holds may be a few seconds old: read the pipeline's state now.
        await sync.SyncEnvironmentAsync(environmentId.Value, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "Releases" WHERE "Id" = {releaseId} FOR UPDATE""", cancellationToken);
        var release = await db.Releases
            .Include(r => r.HostEnvironment).ThenInclude(e => e.Host).ThenInclude(h => h.Customer)
            .SingleAsync(r => r.Id == releaseId, cancellationToken);
        var environment = release.HostEnvironment;
        var host = environment.Host;
        var what = $"{EnvironmentNames.Of(environment.Kind)} release of {Commits.Short(release.CommitId)} on {host.Customer.Slug}/{host.Name}";
        if (release is not { State: ReleaseState.WaitingForApproval, PendingApprovalToken: { } token, PendingApprovalStage: { } stage, PendingApprovalAction: { } action }
            || environment.PipelineName is not { } pipeline)
            return NoLongerWaiting(release.State);

        var tokenHash = ApprovalRules.TokenHash(token);
        var earlier = await db.ApprovalDecisions.AsNoTracking()
            .Where(d => d.ReleaseId == releaseId && d.ApprovalTokenHash == tokenHash)
            .OrderBy(d => d.DecidedAt)
            .Select(d => new { d.OperatorId, d.Outcome, Name = d.Operator.Email ?? d.Operator.UserName ?? "an operator" })
            .ToListAsync(cancellationToken);
        var required = ApprovalRules.RequiredFor(release.RequiredApprovals, environment.Kind, host.RequiredApprovals);
        var approvalsBefore = earlier.Count(d => d.Outcome == ApprovalOutcome.Approved);

        if (earlier.FirstOrDefault(d => d.OperatorId == operatorId) is { } mine)
        {
            var refusal = new DecisionResult(DecisionOutcome.AlreadyDecided,
                $"You have already {Verb(mine.Outcome)} this release. " +
                (outcome == ApprovalOutcome.Approved ? "The next approval must come from another operator." : "Ask another operator to reject it, or stop its execution."),
                release.State, approvalsBefore, required);
            return await RefuseAsync(db, transaction, actor, refusal, what, host, cancellationToken);
        }
        if (outcome == ApprovalOutcome.Approved
            && ApprovalRules.ApprovalRefusal(environment.Kind, release.AuthorUserId, release.AuthorUsername, approverGitLabId) is { } why)
        {
            var refusal = new DecisionResult(ApprovalRules.PushedBy(release.AuthorUserId, approverGitLabId) ? DecisionOutcome.OwnPush : DecisionOutcome.Unverified,
                why, release.State, approvalsBefore, required);
            return await RefuseAsync(db, transaction, actor, refusal, what, host, cancellationToken);
        }

        var approvals = approvalsBefore + (outcome == ApprovalOutcome.Approved ? 1 : 0);
        var send = outcome == ApprovalOutcome.Rejected || approvals >= required;
        if (send)
        {
            var names = earlier.Where(d => d.Outcome == ApprovalOutcome.Approved).Select(d => d.Name).Append(actor.Name);
            var summary = outcome == ApprovalOutcome.Approved
                ? $"Approved in the portal by {string.Join(" and ", names)}: {reason}"
                : $"Rejected in the portal by {actor.Name}: {reason}";
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
                    ? new DecisionResult(DecisionOutcome.AwsUnavailable, $"AWS did not answer ({e.Code}); nothing was decided. Try again in a moment.", release.State, approvalsBefore, required)
                    : new DecisionResult(DecisionOutcome.AwsRefused, $"AWS refused the decision ({e.Code}: {e.AwsMessage}); nothing was decided.", release.State, approvalsBefore, required);
            }
        }

        var at = time.GetUtcNow();
        db.ApprovalDecisions.Add(new ApprovalDecision
        {
            ReleaseId = releaseId,
            OperatorId = operatorId,
            ApprovalTokenHash = tokenHash,
            Outcome = outcome,
            Comment = reason,
            DecidedAt = at,
            SentToAws = send,
        });
        DecisionResult result;
        if (!send)
        {
            result = new DecisionResult(DecisionOutcome.Recorded,
                $"Your approval is recorded ({approvals} of {required}). Another operator must approve before the release goes on.",
                release.State, approvals, required);
            db.Record(actor, AuditActions.ReleaseApprovalRecorded, $"{what}: approval {approvals} of {required}. Comment: {reason}", host.CustomerId, host.Id);
        }
        else
        {
            release.Decided(outcome == ApprovalOutcome.Approved ? $"Approved by {actor.Name}." : $"Rejected by {actor.Name}: {reason}", at);
            result = outcome == ApprovalOutcome.Approved
                ? new DecisionResult(DecisionOutcome.Approved, required > 1
                    ? $"Approved ({approvals} of {required}): sent to AWS, the pipeline goes on to deploy."
                    : "Approved: sent to AWS, the pipeline goes on to deploy.", ReleaseState.InProgress, approvals, required)
                : new DecisionResult(DecisionOutcome.Rejected, "Rejected: sent to AWS, the pipeline execution fails at the approval.",
                    ReleaseState.InProgress, approvals, required);
            db.Record(actor, outcome == ApprovalOutcome.Approved ? AuditActions.ReleaseApproved : AuditActions.ReleaseRejected,
                $"{what}: {(outcome == ApprovalOutcome.Approved ? $"approval {approvals} of {required}, sent to AWS" : "rejection sent to AWS")}. Comment: {reason}",
                host.CustomerId, host.Id);
            if (environment.Kind == EnvironmentKind.Production)
                await PortalNotices.ProductionDecidedAsync(db, release, host, outcome == ApprovalOutcome.Approved, actor.Name, reason, at, cancellationToken);
        }
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
            return new DecisionResult(DecisionOutcome.AlreadyDecided, "You have already decided on this release.", release.State, approvalsBefore, required);
        }

        if (send)
        {
            // Show where the execution went (Deploy, or Failed after a rejection) without waiting for the recurring sync.
            db.ChangeTracker.Clear();
            await sync.SyncEnvironmentAsync(environment.Id, cancellationToken);
        }
        return result;
    }

    private static async Task<DecisionResult> RefuseAsync(PortalDbContext db, IDbContextTransaction transaction,
        Actor actor, DecisionResult refusal, string what, Host host, CancellationToken cancellationToken)
    {
        db.Record(actor, AuditActions.ReleaseDecisionRefused, $"{what}: {refusal.Message}", host.CustomerId, host.Id);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return refusal;
    }

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
