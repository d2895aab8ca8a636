using Portal.Aws.CloudFormation;

namespace Portal.Aws.SecretsManager;

/// <summary>The Secrets Manager operations the portal uses (JSON 1.1 protocol, target prefix secretsmanager).</summary>
public interface ISecrets
{
    Task<SecretVersionRef> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken = default);

    /// <summary>Values are never logged or stored by the portal; callers show them only to their owner.</summary>
    Task<SecretValue> GetSecretValueAsync(string secretId, string? versionStage = null, CancellationToken cancellationToken = default);

    Task<SecretVersionRef> PutSecretValueAsync(string secretId, string secretString, string? clientRequestToken = null, CancellationToken cancellationToken = default);

    Task<SecretMetadata> DescribeSecretAsync(string secretId, CancellationToken cancellationToken = default);

    /// <summary>Schedules deletion (7-30 days recovery window) or deletes at once with forceDeleteWithoutRecovery.</summary>
    Task<DateTimeOffset?> DeleteSecretAsync(string secretId, int? recoveryWindowInDays = null, bool forceDeleteWithoutRecovery = false, CancellationToken cancellationToken = default);
}

public sealed record CreateSecretRequest(string Name, string SecretString)
{
    public string? Description { get; init; }
    public string? KmsKeyId { get; init; }
    public string? ClientRequestToken { get; init; }
    public IReadOnlyList<StackInputTag> Tags { get; init; } = [];
}

public sealed record SecretVersionRef(string Arn, string Name, string? VersionId);

public sealed record SecretValue(string Arn, string Name, string? VersionId, string? SecretString, IReadOnlyList<string> VersionStages, DateTimeOffset? CreatedDate)
{
    /// <summary>Never print the value: records print every property by default.</summary>
    public override string ToString() => $"SecretValue {{ Arn = {Arn}, Name = {Name}, VersionId = {VersionId} }}";
}

public sealed record SecretMetadata(
    string Arn,
    string Name,
    string? Description,
    string? KmsKeyId,
    DateTimeOffset? CreatedDate,
    DateTimeOffset? LastChangedDate,
    DateTimeOffset? DeletedDate,
    IReadOnlyList<StackInputTag> Tags,
    // Version id → stages (AWSCURRENT, AWSPREVIOUS, AWSPENDING).
    IReadOnlyDictionary<string, IReadOnlyList<string>> VersionIdsToStages);
