namespace Portal.Data.Entities;

/// <summary>A customer's virtual host: the order and its lifecycle. Each environment is provisioned separately.</summary>
public class Host
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;

    /// <summary>Unique per customer; lower-case letters, digits and hyphens so it fits stack names.</summary>
    public required string Name { get; set; }

    /// <summary>
    /// Six characters no other host has (a unique index), made at order time: every AWS name of the host's resources
    /// carries it, so no two hosts (of two customers, or a new one under a decommissioned one's name) share a name.
    /// </summary>
    public string ResourceKey { get; set; } = NewResourceKey();

    public required string Plan { get; set; }
    public GitLabProject GitLab { get; set; } = new();
    public DatabaseOptions Database { get; set; } = new();
    public DomainOptions Domain { get; set; } = new();
    public DeploymentStyle DeploymentStyle { get; set; } = DeploymentStyle.InPlace;
    public string HealthCheckPath { get; set; } = "/";
    public List<string> ApproverEmails { get; set; } = [];

    /// <summary>The Auto Scaling range the customer ordered; the plan's when null.</summary>
    public int? MinInstances { get; set; }
    public int? MaxInstances { get; set; }

    /// <summary>How many different operators must approve a production release (1 or 2).</summary>
    public int RequiredApprovals { get; set; } = 2;

    public HostState State { get; set; } = HostState.Ordered;
    public string? StateReason { get; set; }

    /// <summary>Hash of the GitLab webhook secret token; the clear token is shown to the customer once.</summary>
    public string? WebhookTokenHash { get; set; }

    /// <summary>
    /// Which GitLab webhook signing token the host has (its key is derived from the portal's signing key, never stored);
    /// null when it has none, and then deliveries are not required to be signed.
    /// </summary>
    public int? WebhookSigningVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Optimistic concurrency (Postgres xmin).</summary>
    public uint Version { get; set; }

    public List<HostEnvironment> Environments { get; set; } = [];

    /// <summary>
    /// The environments the host runs: all but the Decommissioned ones, which were removed from it (or went with the
    /// whole host) and stay as a record with their releases.
    /// </summary>
    public IEnumerable<HostEnvironment> LiveEnvironments() => Environments.Where(e => e.State != EnvironmentState.Decommissioned);

    public const int ResourceKeyLength = 6;
    private const string ResourceKeyAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Six random characters of a-z and 2-7 (RFC 4648 base32, lower case): ≈ 10⁹ keys, no hyphen.</summary>
    public static string NewResourceKey() =>
        string.Create(ResourceKeyLength, 0, static (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = ResourceKeyAlphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(ResourceKeyAlphabet.Length)];
        });

    public static bool IsResourceKey(string key) =>
        key.Length == ResourceKeyLength && key.All(c => ResourceKeyAlphabet.Contains(c));
}

public class GitLabProject
{
    public const string DefaultInfrastructureFolder = "infrastructure";

    /// <summary>GitLab's numeric project id, learnt when the token is checked; pushes route by it, so a renamed project keeps deploying.</summary>
    public long? ProjectId { get; set; }
    public string PathWithNamespace { get; set; } = "";
    public string HttpUrl { get; set; } = "";
    public string? DefaultBranch { get; set; }

    /// <summary>ARN of the Secrets Manager secret with the host's GitLab token (and the webhook's token); neither is in Postgres.</summary>
    public string? TokenSecretArn { get; set; }

    /// <summary>The token has the api scope and the Maintainer role: the portal manages the webhook and reports commit statuses.</summary>
    public bool Automates { get; set; }

    /// <summary>Why the customer adds the webhook by hand (when the portal does not).</summary>
    public string? ManualReason { get; set; }

    /// <summary>The repository folder with the Packer variables and scripts of the host image; a push that changes it rebakes.</summary>
    public string InfrastructureFolder { get; set; } = DefaultInfrastructureFolder;

    /// <summary>The project hook the portal registered; null while there is none.</summary>
    public long? HookId { get; set; }

    /// <summary>GitLab's hook must be made to match the host (added, updated or removed); the hook sync picks it up.</summary>
    public bool HookDue { get; set; }
    public DateTimeOffset? HookNextAttemptAt { get; set; }

    /// <summary>The last hook sync's outcome in words.</summary>
    public string? HookStatus { get; set; }

    /// <summary>Something the hook carries changed (the token, the branches, the host going away): sync it soon, when the portal manages it.</summary>
    public void HookChanged()
    {
        if (!Automates && HookId is null) return;
        HookDue = true;
        HookNextAttemptAt = null;
    }

    /// <summary>The host is going away: its hook is removed, and once it is decommissioned its token secret is deleted.</summary>
    public void Retire()
    {
        HookDue = true;
        HookNextAttemptAt = null;
    }

    /// <summary>GitLab's hook now matches (or is gone: <paramref name="hookId"/> null).</summary>
    public void HookSynced(long? hookId, string status)
    {
        HookId = hookId;
        HookDue = false;
        HookNextAttemptAt = null;
        HookStatus = Text.PostgresText.ShortenNotNull(status, ColumnLengths.Reason);
    }

    /// <summary>The sync failed; it is tried again at <paramref name="retryAt"/>, or not at all when null (GitLab refused for good).</summary>
    public void HookSyncFailed(string status, DateTimeOffset? retryAt)
    {
        HookDue = retryAt is not null;
        HookNextAttemptAt = retryAt;
        HookStatus = Text.PostgresText.ShortenNotNull(status, ColumnLengths.Reason);
    }
}

public class DatabaseOptions
{
    /// <summary>"none", "postgres" or "mysql".</summary>
    public string Engine { get; set; } = "postgres";
    public string InstanceClass { get; set; } = "db.t4g.micro";
    public int AllocatedStorageGb { get; set; } = 20;
    public bool MultiAz { get; set; }
}

public class DomainOptions
{
    /// <summary>Production custom domain; when set, production gets a dedicated ALB with the customer's certificate.</summary>
    public string? CustomDomain { get; set; }
    public string? CertificateArn { get; set; }
}

public enum DeploymentStyle { InPlace, BlueGreen, Zonal }

public enum HostState { Ordered, Provisioning, Active, Updating, Failed, Decommissioning, Decommissioned }
