using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;
using static Portal.AwsEmulator.Protocol.JsonInput;

namespace Portal.AwsEmulator.SecretsManager;

/// <summary>Secrets Manager (JSON 1.1, target prefix "secretsmanager"): the secret operations the portal uses.</summary>
public sealed class SecretsManagerService(EmulatorState state) : IJsonService
{
    private static readonly HashSet<string> Operations = ["CreateSecret", "GetSecretValue", "PutSecretValue", "DescribeSecret", "DeleteSecret"];

    public string Name => "secretsmanager";
    public string TargetPrefix => "secretsmanager";
    public string ThrottlingCode => "ThrottlingException";

    public bool Supports(string operation) => Operations.Contains(operation);

    public Task<JsonObject> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken)
    {
        var store = state.Region(context.Region).Secrets;
        var body = context.Json;
        var result = context.Operation switch
        {
            "CreateSecret" => CreateSecret(store, body),
            "GetSecretValue" => GetSecretValue(store, body),
            "PutSecretValue" => PutSecretValue(store, body),
            "DescribeSecret" => DescribeSecret(store.Describe(body.RequiredString("SecretId"))),
            "DeleteSecret" => DeleteSecret(store, body),
            _ => throw new AwsServiceException("UnknownOperationException", $"Unknown operation {context.Operation}"),
        };
        return Task.FromResult(result);
    }

    private static JsonObject CreateSecret(SecretStore store, JsonObject body)
    {
        var tags = body.Objects("Tags").Select(t => new SecretTag(t.RequiredString("Key"), t.String("Value") ?? "")).ToList();
        var secret = store.Create(body.RequiredString("Name"), body.String("Description"), body.String("KmsKeyId"),
            body.String("SecretString"), body.String("SecretBinary"), body.String("ClientRequestToken"), tags);
        return new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["VersionId"] = secret.Versions.FirstOrDefault(v => v.Stages.Contains(VersionStages.Current))?.VersionId,
            ["ReplicationStatus"] = new JsonArray(),
        };
    }

    private static JsonObject GetSecretValue(SecretStore store, JsonObject body)
    {
        var (secret, version) = store.GetValue(body.RequiredString("SecretId"), body.String("VersionId"), body.String("VersionStage"));
        var result = new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["VersionId"] = version.VersionId,
            ["VersionStages"] = Strings(version.Stages),
            ["CreatedDate"] = Time(version.CreatedDate),
        };
        if (version.SecretString is not null) result["SecretString"] = version.SecretString;
        if (version.SecretBinary is not null) result["SecretBinary"] = version.SecretBinary;
        return result;
    }

    private static JsonObject PutSecretValue(SecretStore store, JsonObject body)
    {
        var stages = body["VersionStages"] is JsonArray list ? list.Select(s => s?.GetValue<string>() ?? "").ToList() : null;
        var (secret, version) = store.PutValue(body.RequiredString("SecretId"), body.String("SecretString"), body.String("SecretBinary"), body.String("ClientRequestToken"), stages);
        return new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["VersionId"] = version.VersionId,
            ["VersionStages"] = Strings(version.Stages),
        };
    }

    private static JsonObject DescribeSecret(SecretRecord secret)
    {
        var result = new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["RotationEnabled"] = false,
            ["LastChangedDate"] = Time(secret.LastChangedDate),
            ["Tags"] = new JsonArray(secret.Tags.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray()),
            ["VersionIdsToStages"] = new JsonObject(secret.Versions.Where(v => v.Stages.Count > 0).Select(v => KeyValuePair.Create(v.VersionId, (JsonNode?)Strings(v.Stages)))),
            ["CreatedDate"] = Time(secret.CreatedDate),
        };
        if (secret.Description is not null) result["Description"] = secret.Description;
        if (secret.KmsKeyId is not null) result["KmsKeyId"] = secret.KmsKeyId;
        if (secret.LastAccessedDate is { } accessed) result["LastAccessedDate"] = Time(accessed);
        if (secret.DeletedDate is { } deleted) result["DeletedDate"] = Time(deleted);
        if (secret.OwningService is not null) result["OwningService"] = secret.OwningService;
        return result;
    }

    private static JsonObject DeleteSecret(SecretStore store, JsonObject body)
    {
        var secret = store.Delete(body.RequiredString("SecretId"), body.Int("RecoveryWindowInDays"), body.Bool("ForceDeleteWithoutRecovery") ?? false);
        return new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["DeletionDate"] = Time(secret.DeletionDate!.Value) };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
