using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Provisioning.Orders;

/// <summary>
/// A customer's host order as typed into the form or posted to the API. Values are raw text so that bad input
/// earns a field error from <see cref="HostOrderValidator"/> instead of a binding failure. Empty optional
/// values take the defaults in <see cref="HostOrderTerms"/> and the chosen plan.
/// </summary>
public sealed class HostOrder
{
    public string? Name { get; set; }
    public string? Plan { get; set; }

    /// <summary>"dev", "staging" and/or "production".</summary>
    public List<string> Environments { get; set => field = value ?? []; } = [];

    public string? DevBranch { get; set; }
    public string? StagingBranch { get; set; }
    public string? ProductionBranch { get; set; }

    /// <summary>Path with namespace, e.g. "group/sub/project".</summary>
    public string? GitLabProjectPath { get; set; }

    /// <summary>The project's HTTPS clone or web URL.</summary>
    public string? GitLabProjectUrl { get; set; }

    /// <summary>
    /// A project access token (or personal access token) with read_api, or api to let the portal add the webhook and
    /// report commit statuses. Checked against GitLab and kept only in Secrets Manager: never stored with the order.
    /// </summary>
    public string? GitLabToken { get; set; }

    /// <summary>The repository folder with the Packer variables and scripts of the host image; "infrastructure" when empty.</summary>
    public string? InfrastructureFolder { get; set; }

    public string? HealthCheckPath { get; set; }

    /// <summary>Who is e-mailed when a production release waits for approval (required with production).</summary>
    public List<string> ApproverEmails { get; set => field = value ?? []; } = [];

    /// <summary>Production only: a domain of the customer's, served by a dedicated load balancer with <see cref="CertificateArn"/>.</summary>
    public string? CustomDomain { get; set; }
    public string? CertificateArn { get; set; }

    /// <summary>"in-place" (default), "blue-green" or "zonal"; the last two for production only.</summary>
    public string? DeploymentStyle { get; set; }

    /// <summary>"none", "postgres" (default) or "mysql".</summary>
    public string? DatabaseEngine { get; set; }
    public int? DatabaseStorageGb { get; set; }
    public bool DatabaseMultiAz { get; set; }

    /// <summary>The Auto Scaling range; the plan's when empty.</summary>
    public int? MinInstances { get; set; }
    public int? MaxInstances { get; set; }

    /// <summary>
    /// A change that removes production from an existing host: the environment's name, "production", typed again to
    /// confirm that its stacks and database go (as a decommission asks for the host's name). Ignored otherwise.
    /// </summary>
    public string? ConfirmRemoval { get; set; }

    /// <summary>The same order without its GitLab token, to store (a proposed change) or show.</summary>
    public HostOrder WithoutToken()
    {
        var copy = (HostOrder)MemberwiseClone();
        copy.GitLabToken = null;
        return copy;
    }

    public bool Includes(EnvironmentKind kind) =>
        Environments.Any(e => EnvironmentNames.TryParse(e, out var parsed) && parsed == kind);

    public void Include(EnvironmentKind kind, bool included)
    {
        Environments.RemoveAll(e => EnvironmentNames.TryParse(e, out var parsed) && parsed == kind);
        if (included)
        {
            Environments.Add(EnvironmentNames.Of(kind));
            Environments.Sort((a, b) => Rank(a).CompareTo(Rank(b)));
        }
    }

    public string? BranchOf(EnvironmentKind kind) => kind switch
    {
        EnvironmentKind.Dev => DevBranch,
        EnvironmentKind.Staging => StagingBranch,
        _ => ProductionBranch,
    };

    /// <summary>A new order as the form starts it: the first plan, dev and the default branches filled in.</summary>
    public static HostOrder Blank(string plan) => new()
    {
        Plan = plan,
        Environments = [EnvironmentNames.Of(EnvironmentKind.Dev)],
        DevBranch = HostOrderTerms.DefaultBranch(EnvironmentKind.Dev),
        StagingBranch = HostOrderTerms.DefaultBranch(EnvironmentKind.Staging),
        ProductionBranch = HostOrderTerms.DefaultBranch(EnvironmentKind.Production),
        HealthCheckPath = HostOrderTerms.DefaultHealthCheckPath,
        DeploymentStyle = HostOrderTerms.DeploymentStyleName(Data.Entities.DeploymentStyle.InPlace),
        DatabaseEngine = HostOrderTerms.DefaultDatabaseEngine,
        InfrastructureFolder = GitLabProject.DefaultInfrastructureFolder,
    };

    private static int Rank(string environment) =>
        EnvironmentNames.TryParse(environment, out var kind) ? (int)kind : int.MaxValue;
}

/// <summary>The keys of field errors: the order's JSON property names, shared by the API and the form.</summary>
public static class HostOrderFields
{
    public const string Name = "name";
    public const string Plan = "plan";
    public const string Environments = "environments";
    public const string DevBranch = "devBranch";
    public const string StagingBranch = "stagingBranch";
    public const string ProductionBranch = "productionBranch";
    public const string GitLabProjectPath = "gitLabProjectPath";
    public const string GitLabProjectUrl = "gitLabProjectUrl";
    public const string GitLabToken = "gitLabToken";
    public const string InfrastructureFolder = "infrastructureFolder";
    public const string HealthCheckPath = "healthCheckPath";
    public const string ApproverEmails = "approverEmails";
    public const string CustomDomain = "customDomain";
    public const string CertificateArn = "certificateArn";
    public const string DeploymentStyle = "deploymentStyle";
    public const string DatabaseEngine = "databaseEngine";
    public const string DatabaseStorageGb = "databaseStorageGb";
    public const string DatabaseMultiAz = "databaseMultiAz";
    public const string MinInstances = "minInstances";
    public const string MaxInstances = "maxInstances";
    public const string ConfirmRemoval = "confirmRemoval";

    public static string BranchOf(EnvironmentKind kind) => kind switch
    {
        EnvironmentKind.Dev => DevBranch,
        EnvironmentKind.Staging => StagingBranch,
        _ => ProductionBranch,
    };
}
