using System.Text.Json.Nodes;
using Portal.Aws.CloudFormation;
using Portal.Aws.Protocol;

namespace Portal.Aws.SecretsManager;

/// <summary>Secrets Manager over JSON 1.1 (target prefix secretsmanager), member names as in AWS's API reference.</summary>
public sealed class SecretsManagerClient(AwsRequestSender sender) : ISecrets
{
    public const string TargetPrefix = "secretsmanager";
    private readonly JsonProtocol json = new(AwsService.SecretsManager, TargetPrefix, sender);

    /// <summary>Without a ClientRequestToken one is generated per call (as the AWS SDKs do), so a retry cannot create a second version.</summary>
    public async Task<SecretVersionRef> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject()
            .Set("Name", request.Name)
            .Set("ClientRequestToken", request.ClientRequestToken ?? Guid.NewGuid().ToString())
            .Set("Description", request.Description)
            .Set("KmsKeyId", request.KmsKeyId)
            .Set("SecretString", request.SecretString);
        if (request.Tags.Count > 0)
            input["Tags"] = new JsonArray(request.Tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
        var r = await json.InvokeAsync("CreateSecret", input, cancellationToken);
        return new SecretVersionRef(r.Required("ARN"), r.Required("Name"), r.Str("VersionId"));
    }

    public async Task<SecretValue> GetSecretValueAsync(string secretId, string? versionStage = null, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject().Set("SecretId", secretId).Set("VersionStage", versionStage);
        var r = await json.InvokeAsync("GetSecretValue", input, cancellationToken);
        return new SecretValue(r.Required("ARN"), r.Required("Name"), r.Str("VersionId"), r.Str("SecretString"), r.Strings("VersionStages"), r.Time("CreatedDate"));
    }

    public async Task<SecretVersionRef> PutSecretValueAsync(string secretId, string secretString, string? clientRequestToken = null, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject()
            .Set("SecretId", secretId)
            .Set("ClientRequestToken", clientRequestToken ?? Guid.NewGuid().ToString())
            .Set("SecretString", secretString);
        var r = await json.InvokeAsync("PutSecretValue", input, cancellationToken);
        return new SecretVersionRef(r.Required("ARN"), r.Required("Name"), r.Str("VersionId"));
    }

    public async Task<SecretMetadata> DescribeSecretAsync(string secretId, CancellationToken cancellationToken = default)
    {
        var r = await json.InvokeAsync("DescribeSecret", new JsonObject().Set("SecretId", secretId), cancellationToken);
        var versions = r.Member("VersionIdsToStages") is { ValueKind: System.Text.Json.JsonValueKind.Object } map
            ? map.EnumerateObject().ToDictionary(
                p => p.Name,
                p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(s => s.GetString() ?? "").ToList(),
                StringComparer.Ordinal)
            : new Dictionary<string, IReadOnlyList<string>>();
        return new SecretMetadata(r.Required("ARN"), r.Required("Name"), r.Str("Description"), r.Str("KmsKeyId"), r.Time("CreatedDate"),
            r.Time("LastChangedDate"), r.Time("DeletedDate"),
            r.Items("Tags").Select(t => new StackInputTag(t.Required("Key"), t.Str("Value") ?? "")).ToList(), versions);
    }

    /// <summary>ForceDeleteWithoutRecovery is sent only when true; AWS refuses it together with RecoveryWindowInDays.</summary>
    public async Task<DateTimeOffset?> DeleteSecretAsync(string secretId, int? recoveryWindowInDays = null, bool forceDeleteWithoutRecovery = false, CancellationToken cancellationToken = default)
    {
        var input = new JsonObject()
            .Set("SecretId", secretId)
            .Set("RecoveryWindowInDays", recoveryWindowInDays)
            .Set("ForceDeleteWithoutRecovery", forceDeleteWithoutRecovery ? true : null);
        var r = await json.InvokeAsync("DeleteSecret", input, cancellationToken);
        return r.Time("DeletionDate");
    }
}
