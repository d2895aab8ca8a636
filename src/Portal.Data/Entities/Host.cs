namespace Portal.Data.Entities;

/// <summary>A customer's virtual host: the order and its lifecycle. Each environment is provisioned separately.</summary>
public class Host
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;

    /// <summary>Unique per customer; lower-case letters, digits and hyphens so it fits stack names.</summary>
    public required string Name { get; set; }

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

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Optimistic concurrency (Postgres xmin).</summary>
    public uint Version { get; set; }

    public List<HostEnvironment> Environments { get; set; } = [];
}

public class GitLabProject
{
    public long? ProjectId { get; set; }
    public string PathWithNamespace { get; set; } = "";
    public string HttpUrl { get; set; } = "";
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
