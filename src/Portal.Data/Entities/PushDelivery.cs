namespace Portal.Data.Entities;

/// <summary>One GitLab webhook delivery. The delivery id is unique per host so a redelivery starts nothing.</summary>
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
    public DeliveryStatus Status { get; set; } = DeliveryStatus.Accepted;
    public string? StatusReason { get; set; }
}

public enum DeliveryStatus { Accepted, Ignored, Started, Failed }
