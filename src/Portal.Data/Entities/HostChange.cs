using Portal.Data.Text;

namespace Portal.Data.Entities;

/// <summary>
/// A customer's edit of a host's order: proposed, previewed as CloudFormation change sets, then confirmed and applied
/// (or discarded). At most one change per host is open (Preparing or Ready) at a time; a newer proposal supersedes it.
/// </summary>
public class HostChange
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid HostId { get; set; }
    public Host Host { get; set; } = null!;

    public HostChangeState State { get; set; } = HostChangeState.Preparing;
    public string? StateReason { get; set; }

    /// <summary>The edited order (the portal's order document as JSON); applied to the host when confirmed.</summary>
    public required string ProposedOrder { get; set; }

    /// <summary>What the customer changed, field by field, as shown in the preview.</summary>
    public List<FieldChange> FieldChanges { get; set; } = [];

    public Guid? RequestedById { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; } = DateTimeOffset.UtcNow;
    public Guid? ConfirmedById { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The one scheduled look at the change sets that may run (see <see cref="HostEnvironment.ScheduledCheckId"/>).</summary>
    public Guid? ScheduledCheckId { get; set; }
    public DateTimeOffset? NextCheckAt { get; set; }

    public uint Version { get; set; }

    public List<HostChangeStack> Stacks { get; set; } = [];

    public bool IsOpen => State is HostChangeState.Preparing or HostChangeState.Ready or HostChangeState.NoChanges;

    /// <summary>Whether the customer may confirm it now: its preview is done (Ready, or NoChanges).</summary>
    public bool CanConfirm => State is HostChangeState.Ready or HostChangeState.NoChanges;

    /// <summary>A newer proposal replaces this open one.</summary>
    public void Supersede(DateTimeOffset now) => Close(HostChangeState.Superseded, "be superseded", now);

    /// <summary>The customer drops this open change; the host keeps its order.</summary>
    public void Discard(DateTimeOffset now) => Close(HostChangeState.Discarded, "be discarded", now);

    /// <summary>Confirmed: Applying while the stack updates run, Applied at once when no stack changes.</summary>
    public void Confirm(Guid? byUserId, bool updatesStacks, DateTimeOffset now)
    {
        if (!CanConfirm) throw new InvalidTransitionException(nameof(HostChange), State, "be confirmed");
        State = updatesStacks ? HostChangeState.Applying : HostChangeState.Applied;
        ConfirmedById = byUserId;
        ConfirmedAt = now;
        StopChecking(now);
    }

    /// <summary>The preview is complete: Ready when some stack changes, NoChanges otherwise.</summary>
    public void CompletePreview(bool anyStackChanges, DateTimeOffset now)
    {
        if (State != HostChangeState.Preparing) throw new InvalidTransitionException(nameof(HostChange), State, "complete its preview");
        State = anyStackChanges ? HostChangeState.Ready : HostChangeState.NoChanges;
        StopChecking(now);
    }

    /// <summary>The preview could not be made (AWS refused, the policy or the order rules no longer pass).</summary>
    public void FailPreview(string reason, DateTimeOffset now)
    {
        if (State != HostChangeState.Preparing) throw new InvalidTransitionException(nameof(HostChange), State, "fail its preview");
        State = HostChangeState.Failed;
        StateReason = PostgresText.ShortenNotNull(reason, ColumnLengths.Reason);
        StopChecking(now);
    }

    /// <summary>The stack updates it started have all ended: Applied, or Failed with their reasons.</summary>
    public void Settle(string? failure, DateTimeOffset now)
    {
        if (State != HostChangeState.Applying) throw new InvalidTransitionException(nameof(HostChange), State, "settle");
        State = failure is null ? HostChangeState.Applied : HostChangeState.Failed;
        StateReason = PostgresText.Shorten(failure, ColumnLengths.Reason);
        UpdatedAt = now;
    }

    /// <summary>Replaces the scheduled look at the change sets with one due at <paramref name="at"/>.</summary>
    public Guid ScheduleCheck(DateTimeOffset at, DateTimeOffset now)
    {
        if (State != HostChangeState.Preparing) throw new InvalidTransitionException(nameof(HostChange), State, "schedule a look");
        ScheduledCheckId = Guid.NewGuid();
        NextCheckAt = at;
        UpdatedAt = now;
        return ScheduledCheckId.Value;
    }

    private void Close(HostChangeState state, string change, DateTimeOffset now)
    {
        if (!IsOpen) throw new InvalidTransitionException(nameof(HostChange), State, change);
        State = state;
        StopChecking(now);
    }

    private void StopChecking(DateTimeOffset now)
    {
        ScheduledCheckId = null;
        NextCheckAt = null;
        UpdatedAt = now;
    }
}

public enum HostChangeState
{
    /// <summary>Change sets are being created.</summary>
    Preparing,

    /// <summary>The preview is complete; waiting for the customer to confirm.</summary>
    Ready,

    /// <summary>No stack would change (e.g. only a branch changed); confirming just saves the order.</summary>
    NoChanges,
    Applying,
    Applied,
    Failed,
    Discarded,
    Superseded,
}

public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>One stack of one environment in a change: its change set and the resource changes it lists.</summary>
public class HostChangeStack
{
    public long Id { get; set; }
    public Guid HostChangeId { get; set; }
    public HostChange HostChange { get; set; } = null!;
    public EnvironmentKind Environment { get; set; }

    /// <summary>"infrastructure" or "software".</summary>
    public required string Layer { get; set; }
    public required string StackName { get; set; }
    /// <summary>Empty for a stack the change creates or deletes (no change set is made for it).</summary>
    public required string ChangeSetName { get; set; }
    public string? ChangeSetId { get; set; }

    /// <summary>Hash of the template and parameters the change set was made from; executed only if the host still renders the same.</summary>
    public required string TemplateHash { get; set; }
    public ChangeSetState Status { get; set; } = ChangeSetState.Creating;
    public string? StatusReason { get; set; }
    public List<ResourceChangeRecord> Changes { get; set; } = [];
    public DateTimeOffset? ExecutedAt { get; set; }
}

/// <summary>
/// A stack's part in a change: its change set being worked out (Creating), then Ready with resource changes, NoChanges
/// or Failed; or, for an environment the change adds or removes, no change set: the whole stack is created (Create)
/// or deleted with every resource it lists (Delete) when the change is confirmed.
/// </summary>
public enum ChangeSetState { Creating, Ready, NoChanges, Failed, Create, Delete }

/// <summary>A resource a change set would add, modify or remove (CloudFormation's ResourceChange).</summary>
public sealed record ResourceChangeRecord(string Action, string LogicalResourceId, string ResourceType, string? Replacement, IReadOnlyList<string> Scope);
