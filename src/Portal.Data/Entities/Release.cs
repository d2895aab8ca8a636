using Portal.Data.Text;

namespace Portal.Data.Entities;

/// <summary>One pipeline execution of a host environment, started by a push.</summary>
public class Release
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid HostEnvironmentId { get; set; }
    public HostEnvironment HostEnvironment { get; set; } = null!;
    public Guid? PushDeliveryId { get; set; }
    public PushDelivery? PushDelivery { get; set; }

    public required string CommitId { get; set; }
    public required string Branch { get; set; }
    /// <summary>The pusher's GitLab user id (push events' user_id); null when GitLab did not say.</summary>
    public long? AuthorUserId { get; set; }
    public string? AuthorUsername { get; set; }
    public string? AuthorEmail { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset PushedAt { get; set; }

    /// <summary>Sent as StartPipelineExecution's clientRequestToken so a retry cannot start a second execution.</summary>
    public required string ClientRequestToken { get; set; }
    public string? PipelineExecutionId { get; set; }

    /// <summary>StartPipelineExecution calls made for this release so far (AWS errors are retried with backoff).</summary>
    public int StartAttempts { get; set; }

    /// <summary>While Pending: when the next StartPipelineExecution may be tried; null means now.</summary>
    public DateTimeOffset? NextStartAttemptAt { get; set; }

    private ReleaseState state = ReleaseState.Pending;

    /// <summary>Changed only through the transitions below (EF reads and writes the field).</summary>
    public ReleaseState State { get => state; init => state = value; }
    public string? StateReason { get; set; }

    /// <summary>The S3 object (in the environment's prefix of the artifact bucket) holding the commit's source, and its version.</summary>
    public string? SourceKey { get; set; }
    public string? SourceVersionId { get; set; }

    /// <summary>The state changed since GitLab was last told (commit statuses); <see cref="ReportedStatus"/> is what it was told.</summary>
    public bool StatusReportDue { get; set; } = true;
    public string? ReportedStatus { get; set; }

    /// <summary>The manual approval the execution waits at, if any. The token is never shown to customers.</summary>
    public string? PendingApprovalStage { get; set; }
    public string? PendingApprovalAction { get; set; }
    public string? PendingApprovalToken { get; set; }
    public DateTimeOffset? WaitingSince { get; set; }

    /// <summary>
    /// How many approvals its current wait needs: the rule in force when it started waiting at this approval. A rule changed
    /// later does not touch it (a lowered rule cannot be used on a release already waiting, a raised one cannot strand it).
    /// </summary>
    public int? RequiredApprovals { get; set; }

    /// <summary>
    /// Whether its current wait needs one approval from the customer's approvers besides the operators': recorded when it
    /// started waiting (a production host with approver e-mails then), so a changed approver list applies to later waits only.
    /// </summary>
    public bool CustomerApprovalRequired { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public uint Version { get; set; }

    public List<ReleaseStage> Stages { get; set; } = [];
    public List<ApprovalDecision> Decisions { get; set; } = [];

    /// <summary>Whether its pipeline execution runs (in a stage, or waiting at an approval).</summary>
    public bool IsInFlight => State is ReleaseState.InProgress or ReleaseState.WaitingForApproval;

    /// <summary>Its commit's source is kept in S3 and it no longer runs: a new execution of it can be started.</summary>
    public bool CanRunAgain => SourceKey is not null && SourceVersionId is not null && !IsInFlight && State != ReleaseState.Pending;

    /// <summary>
    /// A new release of exactly this one's source (the same S3 object version) to the same environment: a redeploy, or a
    /// roll-back when this one is older than what runs now. It is queued like a push's release and goes through the same
    /// pipeline and approvals; only the client request token is its own.
    /// </summary>
    public Release RunAgain(string clientRequestToken, string reason, DateTimeOffset now)
    {
        if (!CanRunAgain) throw new InvalidTransitionException(nameof(Release), State, "run again");
        return new Release
        {
            HostEnvironmentId = HostEnvironmentId,
            CommitId = CommitId,
            Branch = Branch,
            AuthorUserId = AuthorUserId,
            AuthorUsername = AuthorUsername,
            AuthorEmail = AuthorEmail,
            Message = Message,
            PushedAt = PushedAt,
            ClientRequestToken = clientRequestToken,
            SourceKey = SourceKey,
            SourceVersionId = SourceVersionId,
            StateReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The commit's source is in S3: the execution will build exactly this object version.</summary>
    public void SourceUploaded(string key, string versionId, DateTimeOffset now)
    {
        Require(ReleaseState.Pending, "record its source");
        (SourceKey, SourceVersionId) = (key, versionId);
        UpdatedAt = now;
    }

    /// <summary>GitLab was told <paramref name="status"/>; another report is due only if the release moved on meanwhile.</summary>
    public void StatusReported(string status)
    {
        ReportedStatus = status;
        StatusReportDue = false;
    }

    /// <summary>AWS started its execution.</summary>
    public void Started(string executionId, DateTimeOffset now)
    {
        Require(ReleaseState.Pending, "start");
        PipelineExecutionId = executionId;
        MoveTo(ReleaseState.InProgress);
        StateReason = null;
        NextStartAttemptAt = null;
        UpdatedAt = now;
    }

    /// <summary>Starting failed in a way that may pass: it stays Pending and is tried again at <paramref name="at"/>.</summary>
    public void RetryStartAt(DateTimeOffset at, string reason, DateTimeOffset now)
    {
        Require(ReleaseState.Pending, "retry its start later");
        NextStartAttemptAt = at;
        StateReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        UpdatedAt = now;
    }

    /// <summary>It could not be started (AWS refused for good, or the environment cannot release).</summary>
    public void FailToStart(string reason, DateTimeOffset now)
    {
        Require(ReleaseState.Pending, "fail to start");
        MoveTo(ReleaseState.Failed);
        StateReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        NextStartAttemptAt = null;
        UpdatedAt = now;
    }

    /// <summary>
    /// A failed release goes back in the start queue. With no execution known (AWS refused or never answered) it keeps its
    /// client request token, so an execution AWS did start is found rather than started twice; after an execution ran
    /// and failed it gets <paramref name="rerunToken"/>, because AWS answers the old token with the old execution.
    /// Returns whether it will be a new run.
    /// </summary>
    public bool Requeue(string reason, Func<string, string> rerunToken, DateTimeOffset now)
    {
        Require(ReleaseState.Failed, "be retried");
        var rerun = PipelineExecutionId is not null;
        if (rerun)
        {
            ClientRequestToken = rerunToken(ClientRequestToken);
            PipelineExecutionId = null;
            Stages.Clear();
        }
        MoveTo(ReleaseState.Pending);
        StateReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        StartAttempts = 0;
        NextStartAttemptAt = null;
        ClearApproval();
        UpdatedAt = now;
        return rerun;
    }

    /// <summary>Its execution waits at a manual approval (CodePipeline's state names the action and its token).</summary>
    /// <param name="requiredApprovals">The rule in force now; recorded only when this is a new wait (a new token).</param>
    /// <param name="customerApprovalRequired">Whether the customer's approvers must approve too, now; recorded like the count.</param>
    /// <returns>Whether it started a new wait (a new approval token): the people who decide are told once per wait.</returns>
    public bool WaitForApproval(string stage, string action, string token, int requiredApprovals, bool customerApprovalRequired,
        DateTimeOffset waitingSince, DateTimeOffset now)
    {
        RequireInFlight("wait for approval");
        var newWait = PendingApprovalToken != token;
        if (newWait)
        {
            WaitingSince = waitingSince;
            RequiredApprovals = requiredApprovals;
            CustomerApprovalRequired = customerApprovalRequired;
        }
        (PendingApprovalStage, PendingApprovalAction, PendingApprovalToken) = (stage, action, token);
        MoveTo(ReleaseState.WaitingForApproval);
        StateReason = null;
        UpdatedAt = now;
        return newWait;
    }

    /// <summary>Its execution runs on (<paramref name="final"/> null) or ended as CodePipeline says.</summary>
    public void Follow(ReleaseState? final, string? reason, DateTimeOffset now)
    {
        RequireInFlight("follow its execution");
        if (final is { } state && state is not (ReleaseState.Succeeded or ReleaseState.Failed or ReleaseState.Stopped or ReleaseState.Superseded))
            throw new ArgumentOutOfRangeException(nameof(final), final, "An execution ends Succeeded, Failed, Stopped or Superseded.");
        ClearApproval();
        MoveTo(final ?? ReleaseState.InProgress);
        StateReason = PostgresText.Shorten(reason, ColumnLengths.Reason);
        UpdatedAt = now;
    }

    /// <summary>The last decision on its approval was sent to AWS: the execution goes on (or fails at the approval).</summary>
    public void Decided(string reason, DateTimeOffset now)
    {
        Require(ReleaseState.WaitingForApproval, "be decided");
        ClearApproval();
        MoveTo(ReleaseState.InProgress);
        StateReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        UpdatedAt = now;
    }

    private void MoveTo(ReleaseState next)
    {
        if (state == next) return;
        state = next;
        StatusReportDue = true;
    }

    private void ClearApproval()
    {
        PendingApprovalStage = PendingApprovalAction = PendingApprovalToken = null;
        WaitingSince = null;
        RequiredApprovals = null;
        CustomerApprovalRequired = false;
    }

    private void Require(ReleaseState state, string change)
    {
        if (State != state) throw new InvalidTransitionException(nameof(Release), State, change);
    }

    private void RequireInFlight(string change)
    {
        if (!IsInFlight) throw new InvalidTransitionException(nameof(Release), State, change);
    }
}

public enum ReleaseState { Pending, InProgress, WaitingForApproval, Succeeded, Failed, Stopped, Superseded }

public class ReleaseStage
{
    public long Id { get; set; }
    public Guid ReleaseId { get; set; }
    public Release Release { get; set; } = null!;
    public required string Name { get; set; }
    public int Order { get; set; }
    public required string Status { get; set; }
    public string? Summary { get; set; }
    public DateTimeOffset? LastChangedAt { get; set; }
}
