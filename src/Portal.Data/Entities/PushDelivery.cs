namespace Portal.Data.Entities;

/// <summary>
/// One GitLab webhook delivery. The delivery id is unique per host so a redelivery starts nothing. An accepted delivery
/// is also the queue entry of its release: the webhook records only this row, and the release starters turn it into the
/// pending release <see cref="ReleaseId"/> (status Queued) before starting it.
/// </summary>
public class PushDelivery
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Idempotency-Key, else X-Gitlab-Event-UUID, else a hash of the body.</summary>
    public required string DeliveryId { get; set; }

    /// <summary>The host whose webhook token the delivery carried. Delivery ids are unique per host: GitLab sends the same
    /// X-Gitlab-Event-UUID to every webhook of a project, and two hosts may release from one project.</summary>
    public Guid? HostId { get; set; }
    public Host? Host { get; set; }

    /// <summary>The environment the branch maps to (an environment is its host's by kind); null when it maps to none. Not a
    /// foreign key: nothing reads deliveries by environment, and a key check per push is dear at webhook rates.</summary>
    public EnvironmentKind? Environment { get; set; }

    /// <summary>The X-Gitlab-Event header ("Push Hook", "Tag Push Hook"...). Other events are recorded, ignored, once their
    /// token is checked, so that the host's delivery log shows them.</summary>
    public string Event { get; set; } = "Push Hook";

    /// <summary>The pushed ref; empty for events other than pushes.</summary>
    public required string Ref { get; set; }

    /// <summary>The commit the branch was at before the push (its "before"); null for other events.</summary>
    public string? Before { get; set; }

    /// <summary>The commit the push moved the branch to; empty for other events.</summary>
    public required string After { get; set; }

    /// <summary>The head commit's timestamp: out-of-order deliveries of one branch are put back in order by it.</summary>
    public DateTimeOffset? CommittedAt { get; set; }

    /// <summary>The distinct authors of the pushed commits (GitLab lists at most 20), beside the pusher below.</summary>
    public List<CommitAuthor> CommitAuthors { get; set; } = [];
    /// <summary>The pusher as GitLab identifies them: user_id (numeric, what the two-person rule compares), user_username, user_email.</summary>
    public long? UserId { get; set; }
    public string? UserUsername { get; set; }
    public string? UserEmail { get; set; }
    public DateTimeOffset ReceivedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>The head commit's message, for the release.</summary>
    public string? Message { get; set; }

    /// <summary>The id of the release this delivery makes (given when accepted, so GitLab's answer can name it); null when ignored.</summary>
    public Guid? ReleaseId { get; set; }

    public DeliveryStatus Status { get; set; } = DeliveryStatus.Accepted;

    /// <summary>Why a delivery released nothing (Ignored, Superseded), as a code; <see cref="StatusReason"/> says it in words.</summary>
    public IgnoredBecause? IgnoredBecause { get; set; }
    public string? StatusReason { get; set; }
}

/// <summary>
/// Accepted (its release waits to be made), Queued (its release is pending), then Started or Failed; Held (kept while
/// its environment is provisioning or updating, then Accepted or Superseded, or Ignored when the environment is removed
/// first); Ignored; Superseded (a newer push of the same branch was released instead).
/// </summary>
public enum DeliveryStatus { Accepted, Ignored, Started, Failed, Queued, Held, Superseded }

public enum IgnoredBecause
{
    OtherEvent,
    NotABranch,
    BranchDeleted,
    UnmappedBranch,
    EnvironmentNotActive,
    CiSkip,
    SamplePush,
    OtherProject,
    NewerPushReleased,
}

/// <summary>The author of a pushed commit, as GitLab names them (the e-mail may be "[REDACTED]").</summary>
public sealed record CommitAuthor(string? Name, string? Email);
