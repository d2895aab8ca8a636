using Portal.Data.Entities;

namespace Portal.Releases.Webhooks;

/// <summary>What the portal did with one GitLab delivery; the endpoint turns it into an HTTP answer GitLab shows its users.</summary>
public abstract record PushOutcome(string Detail);

/// <summary>Recorded; the release (with the id given here) is made and its pipeline started in the background.</summary>
public sealed record PushAccepted(string DeliveryId, Guid ReleaseId, EnvironmentKind Environment, string CommitId, string Detail)
    : PushOutcome(Detail);

/// <summary>Recorded and kept while the environment is provisioning or updating; released when it is Active.</summary>
public sealed record PushHeld(string DeliveryId, EnvironmentKind Environment, string CommitId, string Detail) : PushOutcome(Detail);

/// <summary>A delivery already received (GitLab resent it): nothing new is recorded or started.</summary>
public sealed record PushDuplicate(string DeliveryId, DeliveryStatus Status, Guid? ReleaseId, string Detail) : PushOutcome(Detail);

/// <summary>A genuine delivery that releases nothing: another event type, a deleted branch, a branch without environment...</summary>
public sealed record PushIgnored(string Detail, string? DeliveryId = null) : PushOutcome(Detail);

/// <summary>Malformed JSON, missing fields or headers.</summary>
public sealed record PushInvalid(string Detail) : PushOutcome(Detail);

/// <summary>The body is larger than the limit (GitLab sends up to 25 MB).</summary>
public sealed record PushTooLarge(string Detail) : PushOutcome(Detail);

/// <summary>The secret token is missing or fits no host, or the signature of a host that has a signing token does not hold.</summary>
public sealed record PushUnauthorized(string Detail) : PushOutcome(Detail);

/// <summary>The token is right but the delivery comes from another GitLab instance than the host's project.</summary>
public sealed record PushForbidden(string Detail) : PushOutcome(Detail);

/// <summary>Too many refused deliveries from this address; deliveries with a valid token are never refused so.</summary>
public sealed record PushThrottled(TimeSpan RetryAfter, string Detail) : PushOutcome(Detail);
