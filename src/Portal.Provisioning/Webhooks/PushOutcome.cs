using Portal.Data.Entities;

namespace Portal.Provisioning.Webhooks;

/// <summary>What the portal did with one GitLab delivery; the endpoint turns it into an HTTP answer GitLab shows its users.</summary>
public abstract record PushOutcome(string Detail);

/// <summary>Recorded; the release (with the id given here) is made and its pipeline started in the background.</summary>
public sealed record PushAccepted(string DeliveryId, Guid ReleaseId, EnvironmentKind Environment, string CommitId, string Detail)
    : PushOutcome(Detail);

/// <summary>A delivery already received (GitLab resent it): nothing new is recorded or started.</summary>
public sealed record PushDuplicate(string DeliveryId, DeliveryStatus Status, Guid? ReleaseId, string Detail) : PushOutcome(Detail);

/// <summary>A genuine delivery that releases nothing: another event type, a deleted branch, a branch without environment...</summary>
public sealed record PushIgnored(string Detail) : PushOutcome(Detail);

/// <summary>Malformed JSON, missing fields or headers.</summary>
public sealed record PushInvalid(string Detail) : PushOutcome(Detail);

/// <summary>The X-Gitlab-Token header is missing or does not match the host's webhook token.</summary>
public sealed record PushUnauthorized(string Detail) : PushOutcome(Detail);

/// <summary>No host releases the GitLab project.</summary>
public sealed record PushUnknownProject(string Detail) : PushOutcome(Detail);
