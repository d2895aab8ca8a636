using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.SecretsManager;

/// <summary>
/// The secrets of one region with Secrets Manager's semantics: version stages, idempotent client request tokens,
/// scheduled deletion. Thread-safe; every method returns a copy the caller may read freely.
/// </summary>
public sealed class SecretStore(string region, string accountId)
{
    private const string MarkedForDeletion = "You can't perform this operation on the secret because it was marked for deletion.";
    private readonly Lock gate = new();
    private List<SecretRecord> secrets = [];

    public SecretRecord Create(string name, string? description, string? kmsKeyId, string? secretString, string? secretBinary,
        string? clientRequestToken, IReadOnlyList<SecretTag> tags, string? owningService = null)
    {
        if (secretString is not null && secretBinary is not null)
            throw new AwsServiceException("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
        lock (gate)
        {
            Purge();
            var existing = secrets.FirstOrDefault(s => s.Name == name);
            if (existing is not null)
            {
                if (existing.IsScheduledForDeletion)
                    throw new AwsServiceException("InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.");
                // A retry of the same call (same token and value) answers as the first did.
                if (clientRequestToken is not null && existing.Versions.FirstOrDefault(v => v.VersionId == clientRequestToken) is { } version && version.SameValue(secretString, secretBinary))
                    return Copy(existing);
                throw new AwsServiceException("ResourceExistsException", $"The operation failed because the secret {name} already exists.");
            }
            var now = DateTimeOffset.UtcNow;
            var secret = new SecretRecord
            {
                Arn = $"arn:{Arns.Partition(region)}:secretsmanager:{region}:{accountId}:secret:{name}-{Ids.Mixed(6)}",
                Name = name,
                Description = description,
                KmsKeyId = kmsKeyId,
                CreatedDate = now,
                LastChangedDate = now,
                Tags = [.. tags],
                OwningService = owningService,
            };
            if (secretString is not null || secretBinary is not null)
                secret.Versions.Add(new SecretVersion
                {
                    VersionId = clientRequestToken ?? Ids.Uuid(),
                    SecretString = secretString,
                    SecretBinary = secretBinary,
                    Stages = [VersionStages.Current],
                    CreatedDate = now,
                });
            secrets.Add(secret);
            return Copy(secret);
        }
    }

    /// <summary>The version with the id, or with the stage (AWSCURRENT when neither is given).</summary>
    public (SecretRecord Secret, SecretVersion Version) GetValue(string secretId, string? versionId, string? versionStage)
    {
        lock (gate)
        {
            var secret = Find(secretId);
            if (secret.IsScheduledForDeletion)
                throw new AwsServiceException("InvalidRequestException", MarkedForDeletion);
            var stage = versionStage ?? (versionId is null ? VersionStages.Current : null);
            var version = secret.Versions.FirstOrDefault(v => (versionId is null || v.VersionId == versionId) && (stage is null || v.Stages.Contains(stage)))
                ?? throw new AwsServiceException("ResourceNotFoundException", versionId is not null
                    ? $"Secrets Manager can't find the specified secret value for VersionId: {versionId}"
                    : $"Secrets Manager can't find the specified secret value for staging label: {stage}");
            secret.LastAccessedDate = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
            return (Copy(secret), Copy(version));
        }
    }

    /// <summary>A new version; AWSCURRENT moves to it and the former current version becomes AWSPREVIOUS.</summary>
    public (SecretRecord Secret, SecretVersion Version) PutValue(string secretId, string? secretString, string? secretBinary, string? clientRequestToken, IReadOnlyList<string>? stages)
    {
        if (secretString is null == (secretBinary is null))
            throw new AwsServiceException("InvalidParameterException", "You must provide either SecretString or SecretBinary, but not both.");
        lock (gate)
        {
            var secret = Find(secretId);
            if (secret.IsScheduledForDeletion)
                throw new AwsServiceException("InvalidRequestException", MarkedForDeletion);
            var versionId = clientRequestToken ?? Ids.Uuid();
            if (secret.Versions.FirstOrDefault(v => v.VersionId == versionId) is { } existing)
            {
                if (existing.SameValue(secretString, secretBinary)) return (Copy(secret), Copy(existing));
                throw new AwsServiceException("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
            }
            var labels = stages is { Count: > 0 } ? stages.ToList() : [VersionStages.Current];
            foreach (var label in labels)
                MoveStage(secret, label);
            var version = new SecretVersion { VersionId = versionId, SecretString = secretString, SecretBinary = secretBinary, Stages = labels, CreatedDate = DateTimeOffset.UtcNow };
            secret.Versions.Add(version);
            // Secrets Manager keeps up to 100 versions; the oldest ones without a stage go first.
            while (secret.Versions.Count > 100 && secret.Versions.FirstOrDefault(v => v.Stages.Count == 0) is { } deprecated)
                secret.Versions.Remove(deprecated);
            secret.LastChangedDate = DateTimeOffset.UtcNow;
            return (Copy(secret), Copy(version));
        }
    }

    public SecretRecord Describe(string secretId)
    {
        lock (gate) return Copy(Find(secretId));
    }

    /// <summary>Schedules deletion after the recovery window (7-30 days, 30 by default) or deletes at once.</summary>
    public SecretRecord Delete(string secretId, int? recoveryWindowInDays, bool forceDeleteWithoutRecovery)
    {
        if (forceDeleteWithoutRecovery && recoveryWindowInDays is not null)
            throw new AwsServiceException("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        if (recoveryWindowInDays is < 7 or > 30)
            throw new AwsServiceException("InvalidParameterException", "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
        lock (gate)
        {
            var secret = Find(secretId);
            var now = DateTimeOffset.UtcNow;
            if (forceDeleteWithoutRecovery)
            {
                secrets.Remove(secret);
                secret.DeletedDate = now;
                secret.DeletionDate = now;
                return Copy(secret);
            }
            if (secret.IsScheduledForDeletion)
                throw new AwsServiceException("InvalidRequestException", MarkedForDeletion);
            secret.DeletedDate = now;
            secret.DeletionDate = now.AddDays(recoveryWindowInDays ?? 30);
            return Copy(secret);
        }
    }

    /// <summary>Changes what a stack's secret resource declares (description, key, tags).</summary>
    public SecretRecord UpdateMetadata(string secretId, string? description, string? kmsKeyId, IReadOnlyList<SecretTag> tags)
    {
        lock (gate)
        {
            var secret = Find(secretId);
            (secret.Description, secret.KmsKeyId, secret.Tags) = (description, kmsKeyId, [.. tags]);
            secret.LastChangedDate = DateTimeOffset.UtcNow;
            return Copy(secret);
        }
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(secrets, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate) secrets = node?.Deserialize<List<SecretRecord>>(StateJson.Options) ?? [];
    }

    /// <summary>By ARN, by name, or by the ARN without its six random characters.</summary>
    private SecretRecord Find(string secretId)
    {
        Purge();
        return secrets.FirstOrDefault(s => s.Arn == secretId || s.Name == secretId || (secretId.StartsWith("arn:", StringComparison.Ordinal) && s.Arn.Length == secretId.Length + 7 && s.Arn.StartsWith(secretId + "-", StringComparison.Ordinal)))
            ?? throw new AwsServiceException("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }

    private void Purge() => secrets.RemoveAll(s => s.DeletionDate is { } date && date <= DateTimeOffset.UtcNow);

    private static void MoveStage(SecretRecord secret, string stage)
    {
        foreach (var version in secret.Versions.Where(v => v.Stages.Remove(stage)))
            if (stage == VersionStages.Current)
            {
                foreach (var other in secret.Versions) other.Stages.Remove(VersionStages.Previous);
                version.Stages.Add(VersionStages.Previous);
            }
    }

    private static T Copy<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, StateJson.Options), StateJson.Options)!;
}
