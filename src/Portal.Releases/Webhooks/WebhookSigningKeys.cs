using System.Security.Cryptography;
using System.Text;
using Portal.Releases.GitLab;

namespace Portal.Releases.Webhooks;

/// <summary>
/// The key of a host's GitLab signing token, derived from the portal's signing key (Webhooks:SigningKey), the host and
/// the token's version: nothing secret is stored, every instance derives the same key, and a new version retires the old.
/// </summary>
public sealed class WebhookSigningKeys(GitLabWebhookOptions options)
{
    private readonly byte[]? master = options.SigningKeyBytes();

    public bool IsConfigured => master is not null;

    public byte[] KeyFor(Guid hostId, int version)
    {
        if (master is null)
            throw new InvalidOperationException($"{GitLabWebhookOptions.Section}:{nameof(GitLabWebhookOptions.SigningKey)} is not set.");
        return HMACSHA256.HashData(master, Encoding.UTF8.GetBytes($"gitlab-webhook-signing:{hostId:N}:{version}"));
    }

    /// <summary>The token to paste into GitLab's webhook ("whsec_…").</summary>
    public string TokenFor(Guid hostId, int version) => WebhookSignature.Token(KeyFor(hostId, version));
}
