using Portal.Data.Entities;

namespace Portal.Data.Views;

/// <summary>A release as customers see it, in the host list, the release history and the API.</summary>
public sealed record ReleaseSummary(
    Guid Id,
    string Environment,
    string CommitId,
    string Branch,
    string? AuthorUsername,
    string? Message,
    ReleaseState State,
    string? StateReason,
    DateTimeOffset PushedAt,
    DateTimeOffset CreatedAt);
