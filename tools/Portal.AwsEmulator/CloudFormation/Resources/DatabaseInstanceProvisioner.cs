using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.SecretsManager;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// AWS::RDS::DBInstance: an endpoint, and with ManageMasterUserPassword a Secrets Manager secret holding the generated
/// master password (owned by "rds", deleted with the instance). Deletion protection refuses the delete, as RDS does.
/// </summary>
public sealed class DatabaseInstanceProvisioner : IResourceProvisioner
{
    private const string Service = "Rds";

    public ResourceKind Kind { get; } = new("AWS::RDS::DBInstance",
        new HashSet<string>
        {
            "DBInstanceArn", "DbiResourceId", "Endpoint.Address", "Endpoint.Port", "Endpoint.HostedZoneId", "MasterUserSecret.SecretArn",
            "CertificateDetails.CAIdentifier", "CertificateDetails.ValidTill",
        },
        new HashSet<string>
        {
            "DBInstanceIdentifier", "Engine", "DBName", "MasterUsername", "StorageEncrypted", "KmsKeyId", "AvailabilityZone",
            "CharacterSetName", "DBClusterIdentifier", "SourceDBInstanceIdentifier", "DBSubnetGroupName",
        },
        NameProperty: "DBInstanceIdentifier");

    public ProvisionedResource Create(ResourceRequest request)
    {
        if (ManagesPassword(request.Properties) && request.Text("MasterUserPassword") is not null)
            throw HandlerErrors.Failure(Service, "Can't specify both MasterUserPassword and ManageMasterUserPassword.");
        var identifier = PhysicalNames.Given(request, "DBInstanceIdentifier", 63, lowercase: true);
        var arn = $"arn:{Arns.Partition(request.RegionName)}:rds:{request.RegionName}:{request.AccountId}:db:{identifier}";
        var resource = ProvisionedResource.Of(identifier,
            ("DBInstanceArn", arn),
            ("DbiResourceId", "db-" + Ids.Upper(26)),
            ("Endpoint.Address", $"{identifier}.{Ids.Lower(12)}.{request.RegionName}.rds.amazonaws.com"),
            ("Endpoint.Port", Port(request)),
            ("Endpoint.HostedZoneId", "Z" + Ids.Upper(13)),
            ("CertificateDetails.CAIdentifier", "rds-ca-rsa2048-g1"),
            ("CertificateDetails.ValidTill", DateTimeOffset.UtcNow.AddYears(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        if (ManagesPassword(request.Properties))
            resource.Attributes["MasterUserSecret.SecretArn"] = CreateSecret(request, arn);
        return resource;
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        var updated = current.Copy();
        updated.Attributes["Endpoint.Port"] = Port(request);
        var secretArn = updated.Attributes["MasterUserSecret.SecretArn"]?.GetValue<string>();
        if (ManagesPassword(request.Properties) && secretArn is null)
            updated.Attributes["MasterUserSecret.SecretArn"] = CreateSecret(request, updated.Attributes["DBInstanceArn"]!.GetValue<string>());
        else if (!ManagesPassword(request.Properties) && secretArn is not null)
        {
            DeleteSecret(request, secretArn);
            updated.Attributes.Remove("MasterUserSecret.SecretArn");
        }
        return updated;
    }

    public void Delete(ResourceRequest request, ProvisionedResource current)
    {
        if (request.Text("DeletionProtection") == "true")
            throw HandlerErrors.Failure(Service, "Cannot delete protected DB Instance, please disable deletion protection and try again.", handlerCode: "InvalidRequest");
        if (current.Attributes["MasterUserSecret.SecretArn"]?.GetValue<string>() is { } secretArn)
            DeleteSecret(request, secretArn);
    }

    private static string CreateSecret(ResourceRequest request, string instanceArn)
    {
        var value = new JsonObject
        {
            ["username"] = request.Text("MasterUsername") ?? "admin",
            ["password"] = PasswordGenerator.Generate(PasswordRules.Rds),
        };
        var kmsKeyId = request.Properties["MasterUserSecret"] is JsonObject settings ? Templates.TemplateText.AsString(settings["KmsKeyId"]) : null;
        var secret = HandlerErrors.Call(Service, () => request.Region.Secrets.Create($"rds!db-{Ids.Uuid()}", $"Secret associated with primary RDS DB instance: {instanceArn}",
            kmsKeyId ?? "aws/secretsmanager", value.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            null, null, [new SecretTag("aws:rds:primaryDBInstanceArn", instanceArn), new SecretTag("aws:secretsmanager:owningService", "rds")], owningService: "rds"));
        return secret.Arn;
    }

    private static void DeleteSecret(ResourceRequest request, string secretArn)
    {
        try
        {
            request.Region.Secrets.Delete(secretArn, null, forceDeleteWithoutRecovery: true);
        }
        catch (Protocol.AwsServiceException error) when (error.Code == "ResourceNotFoundException")
        {
            // Deleted outside the stack already.
        }
    }

    private static bool ManagesPassword(JsonObject properties) => Templates.TemplateText.AsString(properties["ManageMasterUserPassword"]) == "true";

    private static string Port(ResourceRequest request) => request.Text("Port") ?? (request.Text("Engine") ?? "") switch
    {
        var e when e.StartsWith("postgres", StringComparison.Ordinal) || e.Contains("postgresql", StringComparison.Ordinal) => "5432",
        var e when e.StartsWith("oracle", StringComparison.Ordinal) => "1521",
        var e when e.StartsWith("sqlserver", StringComparison.Ordinal) => "1433",
        _ => "3306",
    };
}
