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

    public required string Ref { get; set; }
    public required string After { get; set; }
    public string? UserUsername { get; set; }
    public string? UserEmail { get; set; }
    public DateTimeOffset ReceivedAt { get; set; } = DateTimeOffset.UtcNow;
    /// <summary>The head commit's message, for the release.</summary>
    public string? Message { get; set; }

    /// <summary>The id of the release this delivery makes (given when accepted, so GitLab's answer can name it); null when ignored.</summary>
    public Guid? ReleaseId { get; set; }

    public DeliveryStatus Status { get; set; } = DeliveryStatus.Accepted;
    public string? StatusReason { get; set; }
}

/// <summary>Accepted (its release waits to be made), Queued (its release is pending), then Started or Failed; or Ignored.</summary>
public enum DeliveryStatus { Accepted, Ignored, Started, Failed, Queued }
