using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Releases;

namespace Portal.Provisioning.Approvals;

/// <summary>
/// Operators approve or reject a release waiting at a manual approval. The pipeline's state is read right before
/// deciding so the token is current; then the release row is locked for the decision, so operators deciding at once
/// take turns: the second sees the first's decision, only one of them sends PutApprovalResult, and no decision is lost.
/// Production needs the host's number of approvals from different operators (the earlier ones are recorded here, the
/// last one is sent to AWS); dev and staging need one; a rejection by anyone is sent at once. Nobody approves a commit
/// they pushed. Every decision and refusal is in the audit log. Each call runs in a DI scope of its own (pages call it).
/// </summary>
public sealed class ApprovalService(IServiceScopeFactory scopes, IPipelines pipelines, TimeProvider time, ILogger<ApprovalService> logger)
{
    /// <summary>AWS's answers for an approval that no longer waits for this token.</summary>
    private static readonly HashSet<string> StaleCodes =
        ["InvalidApprovalTokenException", "ApprovalAlreadyCompletedException", "PipelineExecutionNotFoundException",
         "StageNotFoundException", "ActionNotFoundException", "PipelineNotFoundException"];

    public async Task<DecisionResult> DecideAsync(Guid releaseId, Actor actor, ApprovalOutcome outcome, string? comment,
        CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } operatorId) throw new ArgumentException("Only a signed-in operator decides on approvals.", nameof(actor));
        if (ApprovalRules.CheckComment(comment) is { } invalid) return new DecisionResult(DecisionOutcome.Invalid, invalid);
        var reason = comment!.Trim();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var sync = scope.ServiceProvider.GetRequiredService<ReleaseStateSync>();
        var environmentId = await db.Releases.Where(r => r.Id == releaseId).Select(r => (Guid?)r.HostEnvironmentId).SingleOrDefaultAsync(cancellationToken);
        if (environmentId is null) return new DecisionResult(DecisionOutcome.NotFound, "There is no such release.");
        var approver = await db.Users.AsNoTracking().Where(u => u.Id == operatorId)
            .Select(u => new { u.Email, u.GitLabUsername }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new ArgumentException($"No user {operatorId}.", nameof(actor));

        // The token the database holds may be a few seconds old: read the pipeline's state now.
        await sync.SyncEnvironmentAsync(environmentId.Value, cancellationToken);
        db.ChangeTracker.Clear();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"""SELECT 1 FROM "Releases" WHERE "Id" = {releaseId} FOR UPDATE""", cancellationToken);
        var release = await db.Releases
            .Include(r => r.HostEnvironment).ThenInclude(e => e.Host).ThenInclude(h => h.Customer)
            .SingleAsync(r => r.Id == releaseId, cancellationToken);
        var environment = release.HostEnvironment;
        var host = environment.Host;
        var what = $"{Describe(environment.Kind)} release of {Short(release.CommitId)} on {host.Customer.Slug}/{host.Name}";
        if (release is not { State: ReleaseState.WaitingForApproval, PendingApprovalToken: { } token, PendingApprovalStage: { } stage, PendingApprovalAction: { } action }
            || environment.PipelineName is not { } pipeline)
            return NoLongerWaiting(release.State);

        var tokenHash = ApprovalRules.TokenHash(token);
        var earlier = await db.ApprovalDecisions.AsNoTracking()
            .Where(d => d.ReleaseId == releaseId && d.ApprovalTokenHash == tokenHash)
            .OrderBy(d => d.DecidedAt)
            .Select(d => new { d.OperatorId, d.Outcome, Name = d.Operator.Email ?? d.Operator.UserName ?? "an operator" })
            .ToListAsync(cancellationToken);
        var required = ApprovalRules.RequiredApprovals(environment.Kind, host.RequiredApprovals);
        var approvalsBefore = earlier.Count(d => d.Outcome == ApprovalOutcome.Approved);

        if (earlier.FirstOrDefault(d => d.OperatorId == operatorId) is { } mine)
        {
            var refusal = new DecisionResult(DecisionOutcome.AlreadyDecided,
                $"You have already {Verb(mine.Outcome)} this release. " +
                (outcome == ApprovalOutcome.Approved ? "The next approval must come from another operator." : "Ask another operator to reject it, or stop its execution."),
                release.State, approvalsBefore, required);
            return await RefuseAsync(db, transaction, actor, refusal, what, host, cancellationToken);
        }
        if (outcome == ApprovalOutcome.Approved && ApprovalRules.PushedBy(release.AuthorUsername, release.AuthorEmail, approver.GitLabUsername, approver.Email))
        {
            var refusal = new DecisionResult(DecisionOutcome.OwnPush,
                $"You pushed this commit (as {release.AuthorUsername ?? release.AuthorEmail}), so you cannot approve it: another operator must.",
                release.State, approvalsBefore, required);
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
                    outcome == ApprovalOutcome.Approved, Clip(summary, ApprovalRules.MaxAwsSummaryLength)), cancellationToken);
            }
            catch (AwsException e) when (StaleCodes.Contains(e.Code))
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
            db.Record(actor, "release.approval-recorded", $"{what}: approval {approvals} of {required}. Comment: {reason}", host.CustomerId, host.Id);
        }
        else
        {
            release.PendingApprovalStage = release.PendingApprovalAction = release.PendingApprovalToken = null;
            release.WaitingSince = null;
            release.State = ReleaseState.InProgress;
            release.StateReason = outcome == ApprovalOutcome.Approved ? $"Approved by {actor.Name}." : $"Rejected by {actor.Name}: {Clip(reason, 1900)}";
            release.UpdatedAt = at;
            result = outcome == ApprovalOutcome.Approved
                ? new DecisionResult(DecisionOutcome.Approved, required > 1
                    ? $"Approved ({approvals} of {required}): sent to AWS, the pipeline goes on to deploy."
                    : "Approved: sent to AWS, the pipeline goes on to deploy.", ReleaseState.InProgress, approvals, required)
                : new DecisionResult(DecisionOutcome.Rejected, "Rejected: sent to AWS, the pipeline execution fails at the approval.",
                    ReleaseState.InProgress, approvals, required);
            db.Record(actor, outcome == ApprovalOutcome.Approved ? "release.approved" : "release.rejected",
                $"{what}: {(outcome == ApprovalOutcome.Approved ? $"approval {approvals} of {required}, sent to AWS" : "rejection sent to AWS")}. Comment: {reason}",
                host.CustomerId, host.Id);
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
        db.Record(actor, "release.decision-refused", $"{what}: {refusal.Message}", host.CustomerId, host.Id);
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

    private static string Describe(EnvironmentKind kind) => kind.ToString().ToLowerInvariant();

    private static string Short(string commit) => commit.Length > 8 ? commit[..8] : commit;

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    /// <summary>"WaitingForApproval" → "waiting for approval".</summary>
    internal static string Words(ReleaseState state) =>
        string.Concat(state.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
