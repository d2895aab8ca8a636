using Portal.Data.Text;

namespace Portal.Data.Entities;

/// <summary>One environment (dev, staging or production) of a host: its stacks, outputs, branch and listener priority.</summary>
public class HostEnvironment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid HostId { get; set; }
    public Host Host { get; set; } = null!;

    public EnvironmentKind Kind { get; set; }

    /// <summary>The git branch whose pushes release into this environment.</summary>
    public required string Branch { get; set; }

    public EnvironmentState State { get; set; } = EnvironmentState.Pending;
    public string? StateReason { get; set; }

    /// <summary>The base of this environment's AWS names (customer, host, environment and the host's resource key); unique.</summary>
    public string? ResourceName { get; set; }

    public string? InfrastructureStackName { get; set; }
    public string? InfrastructureStackId { get; set; }
    public string? SoftwareStackName { get; set; }
    public string? SoftwareStackId { get; set; }
    public string? PipelineName { get; set; }

    /// <summary>
    /// Whether releases wait at a manual approval before Deploy. Production always does (the template decides that);
    /// an operator may ask it of dev or staging too. One operator approves a non-production release.
    /// </summary>
    public bool RequiresApproval { get; set; }

    /// <summary>Priority of this environment's rule on the shared listener; allocated once and kept on update.</summary>
    public int? ListenerPriority { get; set; }

    /// <summary>The shared listener (of the platform's several) that holds the rule; allocated with the priority.</summary>
    public string? ListenerArn { get; set; }

    /// <summary>
    /// Whether a release of this environment ever succeeded. Until then no application answers the load balancer's health
    /// check, so the Auto Scaling groups check EC2 status only (the software stack's ReleaseDeployed parameter).
    /// </summary>
    public bool ReleaseDeployed { get; set; }

    /// <summary>Blue/green: the side that should serve traffic (the software stack's LiveColour parameter).</summary>
    public LiveColour LiveColour { get; set; }

    /// <summary>A release's success changed what the software stack renders (the above): an update, once the environment is Active.</summary>
    public bool ReleaseRolloutDue { get; set; }

    /// <summary>What an operator asked the next attempt to do about a stuck stack; cleared when the attempt ends.</summary>
    public StackRecovery Recovery { get; set; }

    /// <summary>The logical ids <see cref="Recovery"/> names: resources to skip in the rollback, or to retain on delete.</summary>
    public List<string> RecoveryResources { get; set; } = [];

    /// <summary>Stack outputs (site URL, database endpoint, secret ARN, pipeline name...). Never a password.</summary>
    public Dictionary<string, string> Outputs { get; set; } = [];

    /// <summary>The operation in flight, or the one that failed (so a retry knows what to resume); None when settled.</summary>
    public EnvironmentOperation Operation { get; set; }

    /// <summary>Identifies one attempt of <see cref="Operation"/>; AWS client request tokens derive from it so a repeated call is a no-op.</summary>
    public Guid? AttemptId { get; set; }
    public DateTimeOffset? OperationStartedAt { get; set; }

    /// <summary>When the job driving the operation means to look at the stacks again; the reconciler resumes overdue ones.</summary>
    public DateTimeOffset? NextCheckAt { get; set; }

    /// <summary>The one scheduled check that may drive this environment; a job carrying another id is stale and stops.</summary>
    public Guid? ScheduledCheckId { get; set; }

    /// <summary>Hashes (template and parameters) of what each stack last completed with; equal hashes mean nothing to update.</summary>
    public string? InfrastructureTemplateHash { get; set; }
    public string? SoftwareTemplateHash { get; set; }

    /// <summary>The image instances run: baked by the infrastructure pipeline, or null for the platform's (the CodeDeploy agent then comes from user data).</summary>
    public string? AmiId { get; set; }

    /// <summary>The commit whose infrastructure folder the image reflects (baked from it, or found without the folder).</summary>
    public string? InfrastructureCommitId { get; set; }

    /// <summary>Hash of the Packer template the image was baked with; a different rendering rebakes.</summary>
    public string? AmiTemplateHash { get; set; }

    /// <summary>A bake is wanted since then (order, infrastructure change, push touching the folder), of <see cref="BakeCommitId"/> or the branch's head.</summary>
    public DateTimeOffset? BakeRequestedAt { get; set; }
    public string? BakeReason { get; set; }
    public string? BakeCommitId { get; set; }

    /// <summary>The infrastructure pipeline execution baking now (of <see cref="BakeCommitId"/>).</summary>
    public string? BakeExecutionId { get; set; }
    public DateTimeOffset? BakeStartedAt { get; set; }

    /// <summary>The last bake's outcome in words.</summary>
    public string? BakeStatus { get; set; }

    /// <summary>A new image waits to be rolled into the software stack (an update, once the environment is Active).</summary>
    public bool AmiRolloutDue { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public uint Version { get; set; }

    public List<Release> Releases { get; set; } = [];
    public List<StackEvent> StackEvents { get; set; } = [];

    /// <summary>Whether <paramref name="operation"/> may begin now: nothing else runs, and the environment is where it starts.</summary>
    public bool CanBegin(EnvironmentOperation operation) => operation switch
    {
        EnvironmentOperation.Provision => State is EnvironmentState.Pending or EnvironmentState.Failed,
        EnvironmentOperation.Update => State is EnvironmentState.Active or EnvironmentState.Failed,
        EnvironmentOperation.Decommission => State is EnvironmentState.Pending or EnvironmentState.Active or EnvironmentState.Failed,
        _ => false,
    };

    /// <summary>
    /// Starts a fresh attempt of <paramref name="operation"/>: new client request tokens (<see cref="AttemptId"/>) and a
    /// check due now. Returns the id of that check, which the caller schedules once the change is saved.
    /// </summary>
    public Guid Begin(EnvironmentOperation operation, DateTimeOffset now)
    {
        if (!CanBegin(operation)) throw new InvalidTransitionException(nameof(HostEnvironment), State, $"begin {operation}");
        Operation = operation;
        State = operation switch
        {
            EnvironmentOperation.Provision => EnvironmentState.Provisioning,
            EnvironmentOperation.Update => EnvironmentState.Updating,
            _ => EnvironmentState.Decommissioning,
        };
        StateReason = null;
        AttemptId = Guid.NewGuid();
        OperationStartedAt = now;
        UpdatedAt = now;
        return ScheduleCheck(now, now);
    }

    /// <summary>
    /// An environment removed from the host is ordered again: Pending, to be provisioned afresh under the names it was
    /// recorded with. Its releases and events stay; what its deleted stacks held (ids, hashes, outputs, image) is forgotten.
    /// </summary>
    public void Reinstate(string branch, DateTimeOffset now)
    {
        if (State != EnvironmentState.Decommissioned) throw new InvalidTransitionException(nameof(HostEnvironment), State, "be ordered again");
        State = EnvironmentState.Pending;
        StateReason = null;
        Branch = branch;
        InfrastructureStackId = null;
        SoftwareStackId = null;
        InfrastructureTemplateHash = null;
        SoftwareTemplateHash = null;
        Outputs = [];
        ReleaseDeployed = false;
        LiveColour = LiveColour.Blue;
        ReleaseRolloutDue = false;
        AmiId = null;
        AmiTemplateHash = null;
        InfrastructureCommitId = null;
        AmiRolloutDue = false;
        AttemptId = null;
        OperationStartedAt = null;
        UpdatedAt = now;
    }

    /// <summary>The failed operation again, as a fresh attempt (provisioning when none is recorded).</summary>
    public Guid Retry(DateTimeOffset now)
    {
        if (State != EnvironmentState.Failed) throw new InvalidTransitionException(nameof(HostEnvironment), State, "retry");
        return Begin(Operation == EnvironmentOperation.None ? EnvironmentOperation.Provision : Operation, now);
    }

    /// <summary>Replaces the scheduled check with a new one due at <paramref name="at"/>; a job carrying the old id then stops.</summary>
    public Guid ScheduleCheck(DateTimeOffset at, DateTimeOffset now)
    {
        if (Operation == EnvironmentOperation.None) throw new InvalidTransitionException(nameof(HostEnvironment), State, "schedule a check without an operation");
        ScheduledCheckId = Guid.NewGuid();
        NextCheckAt = at;
        UpdatedAt = now;
        return ScheduledCheckId.Value;
    }

    /// <summary>
    /// Whether an operator may ask for <paramref name="recovery"/>: the environment failed, in the operation whose stack can
    /// be stuck that way (an update's rollback fails: UPDATE_ROLLBACK_FAILED; a decommission's delete fails: DELETE_FAILED).
    /// </summary>
    public bool CanRecover(StackRecovery recovery) => CanRecover(State, Operation, recovery);

    public static bool CanRecover(EnvironmentState state, EnvironmentOperation operation, StackRecovery recovery) =>
        state == EnvironmentState.Failed && recovery switch
        {
            StackRecovery.ContinueRollback => operation == EnvironmentOperation.Update,
            StackRecovery.RetainResources => operation == EnvironmentOperation.Decommission,
            _ => false,
        };

    /// <summary>Retries the failed operation as a fresh attempt that first continues the rollback or deletes keeping <paramref name="resources"/>.</summary>
    public Guid Recover(StackRecovery recovery, IReadOnlyList<string> resources, DateTimeOffset now)
    {
        if (!CanRecover(recovery)) throw new InvalidTransitionException(nameof(HostEnvironment), State, $"recover with {recovery} during {Operation}");
        var check = Retry(now);
        Recovery = recovery;
        RecoveryResources = [.. resources];
        return check;
    }

    /// <summary>The stack is out of the state the recovery was for; the attempt goes on as an ordinary one.</summary>
    public void Recovered()
    {
        Recovery = StackRecovery.None;
        RecoveryResources = [];
    }

    /// <summary>
    /// A release of this environment succeeded. The first one lets the load balancer's health checks replace instances;
    /// under blue/green (production only, as the template has it) the side it deployed to, the idle one of the stack as
    /// last applied (its LiveColour output), becomes live. Either asks for a software stack update
    /// (<see cref="ReleaseRolloutDue"/>). Idempotent: two releases that deployed to the same idle side switch once.
    /// </summary>
    public void ReleaseSucceeded(DeploymentStyle style, DateTimeOffset now)
    {
        var due = !ReleaseDeployed;
        ReleaseDeployed = true;
        if (Kind == EnvironmentKind.Production && style == DeploymentStyle.BlueGreen)
        {
            var applied = Outputs.GetValueOrDefault(StackOutputs.LiveColour) == "green" ? LiveColour.Green : LiveColour.Blue;
            var deployedTo = applied == LiveColour.Blue ? LiveColour.Green : LiveColour.Blue;
            due |= LiveColour != deployedTo;
            LiveColour = deployedTo;
        }
        if (!due) return;
        ReleaseRolloutDue = true;
        UpdatedAt = now;
    }

    /// <summary>The operation completed: Active, or Decommissioned after a decommission.</summary>
    public void Finish(DateTimeOffset now)
    {
        if (Operation == EnvironmentOperation.None) throw new InvalidTransitionException(nameof(HostEnvironment), State, "finish without an operation");
        State = Operation == EnvironmentOperation.Decommission ? EnvironmentState.Decommissioned : EnvironmentState.Active;
        StateReason = null;
        Recovered();
        Operation = EnvironmentOperation.None;
        Settle(now);
    }

    /// <summary>The operation failed; it is kept, so a retry knows what to resume.</summary>
    public void Fail(string reason, DateTimeOffset now)
    {
        if (Operation == EnvironmentOperation.None) throw new InvalidTransitionException(nameof(HostEnvironment), State, "fail without an operation");
        State = EnvironmentState.Failed;
        StateReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        Recovered();
        Settle(now);
    }

    /// <summary>Asks for a bake of <paramref name="commitId"/> (null: the branch's head); a later request replaces an earlier one not yet started.</summary>
    public void RequestBake(string reason, string? commitId, DateTimeOffset now)
    {
        BakeRequestedAt = now;
        BakeReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        BakeCommitId = commitId;
        UpdatedAt = now;
    }

    /// <summary>The infrastructure pipeline started baking the requested commit.</summary>
    public void BakeStarted(string executionId, string commitId, DateTimeOffset now)
    {
        if (BakeRequestedAt is null) throw new InvalidTransitionException(nameof(HostEnvironment), State, "start a bake nobody asked for");
        BakeExecutionId = executionId;
        BakeCommitId = commitId;
        BakeRequestedAt = null;
        BakeStartedAt = now;
        BakeStatus = PostgresText.ShortenNotNull($"Baking the image of {Commits.Short(commitId)} ({BakeReason}).", ColumnLengths.Reason);
        UpdatedAt = now;
    }

    /// <summary>The bake produced <paramref name="amiId"/>: it is rolled into the software stack next.</summary>
    public void Baked(string amiId, string templateHash, DateTimeOffset now)
    {
        if (BakeExecutionId is null) throw new InvalidTransitionException(nameof(HostEnvironment), State, "finish a bake that is not running");
        AmiId = amiId;
        AmiTemplateHash = templateHash;
        InfrastructureCommitId = BakeCommitId;
        AmiRolloutDue = true;
        BakeStatus = $"Baked {amiId} from {Commits.Short(BakeCommitId ?? "")} at {now:u}; rolling it out.";
        EndBake(now);
    }

    /// <summary>No bake was needed or possible (no infrastructure folder at that commit, no GitLab token...); the image stays.</summary>
    public void BakeSkipped(string? commitId, string status, DateTimeOffset now)
    {
        if (commitId is not null) InfrastructureCommitId = commitId;
        BakeRequestedAt = null;
        BakeStatus = PostgresText.ShortenNotNull(status, ColumnLengths.Reason);
        EndBake(now);
    }

    /// <summary>
    /// The running bake failed, or (none running) the requested one could not start: the environment keeps its current
    /// image. A request made while a bake ran stays, and starts next.
    /// </summary>
    public void BakeFailed(string status, DateTimeOffset now)
    {
        if (BakeExecutionId is null) BakeRequestedAt = null;
        BakeStatus = PostgresText.ShortenNotNull(status, ColumnLengths.Reason);
        EndBake(now);
    }

    private void EndBake(DateTimeOffset now)
    {
        BakeExecutionId = null;
        BakeStartedAt = null;
        UpdatedAt = now;
    }

    private void Settle(DateTimeOffset now)
    {
        ScheduledCheckId = null;
        NextCheckAt = null;
        UpdatedAt = now;
    }
}

public enum EnvironmentKind { Dev, Staging, Production }

/// <summary>The side of a blue/green host environment that serves traffic.</summary>
public enum LiveColour { Blue, Green }

/// <summary>An operator's way out of a stack AWS left stuck.</summary>
public enum StackRecovery
{
    None,

    /// <summary>ContinueUpdateRollback (optionally skipping resources), then the update again.</summary>
    ContinueRollback,

    /// <summary>DeleteStack with RetainResources: the named resources stay in the account, the stack goes.</summary>
    RetainResources,
}

public enum EnvironmentOperation { None, Provision, Update, Decommission }

public enum EnvironmentState { Pending, Provisioning, Active, Updating, Failed, Decommissioning, Decommissioned }
