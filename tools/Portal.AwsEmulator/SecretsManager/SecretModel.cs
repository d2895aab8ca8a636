namespace Portal.AwsEmulator.SecretsManager;

public sealed class SecretRecord
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? KmsKeyId { get; set; }
    public DateTimeOffset CreatedDate { get; set; }
    public DateTimeOffset LastChangedDate { get; set; }
    public DateTimeOffset? LastAccessedDate { get; set; }

    /// <summary>When DeleteSecret scheduled it; the secret is gone once <see cref="DeletionDate"/> has passed.</summary>
    public DateTimeOffset? DeletedDate { get; set; }
    public DateTimeOffset? DeletionDate { get; set; }
    public List<SecretTag> Tags { get; set; } = [];
    public List<SecretVersion> Versions { get; set; } = [];

    /// <summary>"rds" for a database's managed master password.</summary>
    public string? OwningService { get; set; }

    public bool IsScheduledForDeletion => DeletedDate is not null;
}

public sealed record SecretTag(string Key, string Value);

public sealed class SecretVersion
{
    public string VersionId { get; set; } = "";
    public string? SecretString { get; set; }

    /// <summary>Base64, as the JSON protocol carries blobs.</summary>
    public string? SecretBinary { get; set; }
    public List<string> Stages { get; set; } = [];
    public DateTimeOffset CreatedDate { get; set; }

    public bool SameValue(string? secretString, string? secretBinary) => SecretString == secretString && SecretBinary == secretBinary;
}

public static class VersionStages
{
    public const string Current = "AWSCURRENT";
    public const string Previous = "AWSPREVIOUS";
    public const string Pending = "AWSPENDING";
}
