namespace Portal.Data.Entities;

/// <summary>One GitLab webhook delivery. The delivery id is unique so a redelivery starts nothing.</summary>
public class PushDelivery
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Idempotency-Key, else X-Gitlab-Event-UUID.</summary>
    public required string DeliveryId { get; set; }

    public Guid? HostEnvironmentId { get; set; }
    public HostEnvironment? HostEnvironment { get; set; }

    public required string Ref { get; set; }
    public required string After { get; set; }
    public string? UserUsername { get; set; }
    public string? UserEmail { get; set; }
    public DateTimeOffset ReceivedAt { get; set; } = DateTimeOffset.UtcNow;
    public DeliveryStatus Status { get; set; } = DeliveryStatus.Accepted;
    public string? StatusReason { get; set; }
}

public enum DeliveryStatus { Accepted, Ignored, Started, Failed }
