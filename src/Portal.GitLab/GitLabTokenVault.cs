using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Aws.CloudFormation;
using Portal.Aws.SecretsManager;

namespace Portal.GitLab;

/// <summary>
/// What the portal keeps secret for one host's GitLab project: the access token it calls GitLab with, and the webhook's
/// secret token in clear (so the webhook can be registered again later; Postgres holds only its hash).
/// </summary>
public sealed record HostGitLabSecret(string Token, string? WebhookToken)
{
    public override string ToString() => "HostGitLabSecret { (hidden) }";
}

/// <summary>
/// Keeps <see cref="HostGitLabSecret"/> in Secrets Manager, one secret per host, and nowhere else: Postgres stores only
/// the secret's ARN. Names are "&lt;prefix&gt;/hosts/&lt;customer&gt;/&lt;host&gt;/gitlab-&lt;host id&gt;" (the host id keeps a
/// re-ordered host of the same name clear of a secret still in its recovery window).
/// </summary>
public sealed class GitLabTokenVault(ISecrets secrets, GitLabOptions options)
{
    private const int RecoveryWindowDays = 7;

    /// <summary>Creates the host's secret; the same call again (a retried order) answers with the same secret.</summary>
    public async Task<string> CreateAsync(string customerSlug, string hostName, Guid hostId, HostGitLabSecret value, CancellationToken cancellationToken)
    {
        var created = await secrets.CreateSecretAsync(new CreateSecretRequest($"{options.SecretNamePrefix.TrimEnd('/')}/hosts/{customerSlug}/{hostName}/gitlab-{hostId:N}",
            Serialize(value))
        {
            Description = $"GitLab access of host {customerSlug}/{hostName}; written and read by the portal only.",
            KmsKeyId = string.IsNullOrWhiteSpace(options.SecretKmsKeyId) ? null : options.SecretKmsKeyId,
            ClientRequestToken = RequestToken(hostId, value),
            Tags = [new StackInputTag("portal:customer", customerSlug), new StackInputTag("portal:host", hostName)],
        }, cancellationToken);
        return created.Arn;
    }

    public async Task<HostGitLabSecret> ReadAsync(string secretArn, CancellationToken cancellationToken)
    {
        var value = await secrets.GetSecretValueAsync(secretArn, cancellationToken: cancellationToken);
        return (value.SecretString is { } text ? JsonSerializer.Deserialize(text, VaultJson.Default.HostGitLabSecret) : null)
            ?? throw new InvalidOperationException($"Secret {secretArn} does not hold a host's GitLab access.");
    }

    public Task PutAsync(string secretArn, HostGitLabSecret value, CancellationToken cancellationToken) =>
        secrets.PutSecretValueAsync(secretArn, Serialize(value), cancellationToken: cancellationToken);

    public Task DeleteAsync(string secretArn, CancellationToken cancellationToken) =>
        secrets.DeleteSecretAsync(secretArn, RecoveryWindowDays, cancellationToken: cancellationToken);

    private static string Serialize(HostGitLabSecret value) => JsonSerializer.Serialize(value, VaultJson.Default.HostGitLabSecret);

    /// <summary>Secrets Manager's idempotency token (32-64 characters): the same host and value give the same token.</summary>
    private static string RequestToken(Guid hostId, HostGitLabSecret value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{hostId:N}\n{value.Token}\n{value.WebhookToken}")))[..48];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HostGitLabSecret))]
internal sealed partial class VaultJson : JsonSerializerContext;
