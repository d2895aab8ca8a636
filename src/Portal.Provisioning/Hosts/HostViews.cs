using System.Text.Json.Serialization;
using Portal.Data.Entities;
using Portal.Data.Views;
using Portal.Provisioning.Orders;

namespace Portal.Provisioning.Hosts;

// What customers see of their hosts, in the pages and the API alike. Never a secret: no token, no password,
// no approval token.

/// <summary>One row of "My hosts".</summary>
public sealed record HostSummary(
    Guid Id,
    string Name,
    string Plan,
    HostState State,
    string? StateReason,
    string GitLabProjectPath,
    IReadOnlyList<EnvironmentSummary> Environments,
    ReleaseSummary? LastRelease,
    DateTimeOffset CreatedAt);

public sealed record EnvironmentSummary(string Name, EnvironmentState State);

/// <summary>
/// A host with its order and environments; <paramref name="CustomDomainRecord"/> is the CNAME its custom domain needs in the
/// customer's DNS (production's, while that environment is live).
/// </summary>
public sealed record HostDetails(
    Guid Id,
    string Name,
    string Plan,
    HostState State,
    string? StateReason,
    string GitLabProjectPath,
    string GitLabProjectUrl,
    string HealthCheckPath,
    IReadOnlyList<string> ApproverEmails,
    string? CustomDomain,
    string? CertificateArn,
    string DeploymentStyle,
    string DatabaseEngine,
    string? DatabaseInstanceClass,
    int? DatabaseStorageGb,
    bool DatabaseMultiAz,
    int? MinInstances,
    int? MaxInstances,
    bool HasWebhookToken,
    IReadOnlyList<EnvironmentDetails> Environments,
    CostEstimate MonthlyEstimate,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    GitLabAccessView GitLab,
    DnsRecordToCreate? CustomDomainRecord);

/// <summary>
/// How the portal reaches the host's GitLab project: whether it manages the webhook and commit statuses itself (the
/// token has api and Maintainer) and how the last hook sync went, or why the customer adds the webhook by hand.
/// </summary>
public sealed record GitLabAccessView(long? ProjectId, bool HasToken, bool ManagesWebhook, string? ManualReason, bool WebhookRegistered,
    string? WebhookStatus, string InfrastructureFolder);

public sealed record EnvironmentDetails(
    string Name,
    string Branch,
    EnvironmentState State,
    string? StateReason,
    HostOutputs Outputs,
    DateTimeOffset UpdatedAt,
    HostImageView Image,
    // When its running operation (provision, update, decommission) began; null when none runs.
    DateTimeOffset? OperationStartedAt = null);

/// <summary>The image the environment's instances run: its own baked AMI, or the platform's (CodeDeploy agent installed at boot) until then.</summary>
public sealed record HostImageView(string? AmiId, string? BakedFromCommit, bool Baking, string? BakeStatus);

/// <summary>
/// The outputs a customer may see. The database secret is named, never read: its password stays in Secrets
/// Manager. Stack outputs not listed here (target group ARNs and the like) are internal.
/// </summary>
public sealed record HostOutputs(string? SiteUrl, string? DatabaseEndpoint, int? DatabasePort, string? DatabaseSecretName, string? PipelineName)
{
    public static HostOutputs From(IReadOnlyDictionary<string, string> outputs) => new(
        Value(outputs, "SiteUrl"),
        Value(outputs, "DatabaseEndpoint"),
        int.TryParse(Value(outputs, "DatabasePort"), out var port) ? port : null,
        SecretName(Value(outputs, "DatabaseSecretArn")),
        Value(outputs, "PipelineName"));

    [JsonIgnore]
    public bool IsEmpty => SiteUrl is null && DatabaseEndpoint is null && DatabaseSecretName is null && PipelineName is null;

    private static string? Value(IReadOnlyDictionary<string, string> outputs, string key) =>
        outputs.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>arn:aws:secretsmanager:region:account:secret:NAME-AbCdEf → NAME (Secrets Manager appends six random characters).</summary>
    private static string? SecretName(string? arn)
    {
        if (arn is null) return null;
        var marker = arn.IndexOf(":secret:", StringComparison.Ordinal);
        if (marker < 0) return arn;
        var name = arn[(marker + ":secret:".Length)..];
        return name.Length > 7 && name[^7] == '-' ? name[..^7] : name;
    }
}

public sealed record StackEventView(
    long Id,
    string StackName,
    DateTimeOffset Timestamp,
    string LogicalResourceId,
    string? ResourceType,
    string ResourceStatus,
    string? ResourceStatusReason);

/// <summary>Which hosts to list: a 1-based page, an optional text in the name or GitLab path, an optional state.</summary>
/// <param name="HideDecommissioned">Leave decommissioned hosts out unless <paramref name="State"/> asks for them (My hosts' default).</param>
public sealed record HostListQuery(int Page = 1, int PageSize = HostListQuery.DefaultPageSize, string? Search = null, HostState? State = null,
    bool HideDecommissioned = false)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
}
