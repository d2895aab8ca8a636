using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Orders;

/// <summary>Between a host and its order: the order a host was made from (to edit it), and an order's values put on a host.</summary>
public static class HostOrderMapping
{
    /// <summary>The host's current order, as the edit form starts it.</summary>
    public static HostOrder FromHost(Host host) => new()
    {
        Name = host.Name,
        Plan = host.Plan,
        Environments = host.LiveEnvironments().OrderBy(e => e.Kind).Select(e => EnvironmentNames.Of(e.Kind)).ToList(),
        DevBranch = BranchOf(host, EnvironmentKind.Dev),
        StagingBranch = BranchOf(host, EnvironmentKind.Staging),
        ProductionBranch = BranchOf(host, EnvironmentKind.Production),
        GitLabProjectPath = host.GitLab.PathWithNamespace,
        GitLabProjectUrl = host.GitLab.HttpUrl,
        InfrastructureFolder = host.GitLab.InfrastructureFolder,
        HealthCheckPath = host.HealthCheckPath,
        ApproverEmails = [.. host.ApproverEmails],
        CustomDomain = host.Domain.CustomDomain,
        CertificateArn = host.Domain.CertificateArn,
        DeploymentStyle = HostOrderTerms.DeploymentStyleName(host.DeploymentStyle),
        DatabaseEngine = host.Database.Engine,
        DatabaseStorageGb = host.Database.Engine == HostOrderTerms.NoDatabase ? null : host.Database.AllocatedStorageGb,
        DatabaseMultiAz = host.Database.MultiAz,
        MinInstances = host.MinInstances,
        MaxInstances = host.MaxInstances,
    };

    /// <summary>
    /// Puts the order's settings on the host. The name is the host's own and stays, and so do its environments (a change
    /// adds and removes them with <see cref="AddEnvironment"/> and a decommission); branches follow the order (and the
    /// portal's GitLab webhook, when it manages it, follows the branches).
    /// </summary>
    public static void Apply(ValidHostOrder order, Host host)
    {
        host.Plan = order.Plan;
        host.GitLab.PathWithNamespace = order.GitLabProjectPath;
        host.GitLab.HttpUrl = order.GitLabProjectUrl;
        host.GitLab.InfrastructureFolder = order.InfrastructureFolder;
        host.Database = new DatabaseOptions
        {
            Engine = order.Database.Engine,
            InstanceClass = order.Database.InstanceClass,
            AllocatedStorageGb = order.Database.Exists ? order.Database.StorageGb : 0,
            MultiAz = order.Database.MultiAz,
        };
        host.Domain = new DomainOptions { CustomDomain = order.CustomDomain, CertificateArn = order.CertificateArn };
        host.DeploymentStyle = order.DeploymentStyle;
        host.HealthCheckPath = order.HealthCheckPath;
        host.ApproverEmails = [.. order.ApproverEmails];
        host.MinInstances = order.MinInstances;
        host.MaxInstances = order.MaxInstances;
        foreach (var environment in host.LiveEnvironments())
            if (order.Environments.FirstOrDefault(e => e.Kind == environment.Kind) is { } ordered && environment.Branch != ordered.Branch)
            {
                environment.Branch = ordered.Branch;
                host.GitLab.HookChanged();
            }
    }

    /// <summary>
    /// An environment of the order on the host, as an order makes each: Pending, with its AWS names recorded (its listener
    /// priority is allocated when it is provisioned). One removed from the host before is ordered again under its names.
    /// </summary>
    public static HostEnvironment AddEnvironment(Host host, string customerSlug, OrderedEnvironment ordered, DateTimeOffset now)
    {
        var environment = host.Environments.FirstOrDefault(e => e.Kind == ordered.Kind);
        if (environment is null)
        {
            environment = new HostEnvironment
            {
                HostId = host.Id, Host = host, Kind = ordered.Kind, Branch = ordered.Branch, State = EnvironmentState.Pending, UpdatedAt = now,
            };
            host.Environments.Add(environment);
        }
        else
        {
            environment.Reinstate(ordered.Branch, now);
        }
        AwsNames.Record(new HostEnvironmentOrder(customerSlug, host, environment));
        host.GitLab.HookChanged();
        return environment;
    }

    private static string? BranchOf(Host host, EnvironmentKind kind) =>
        host.LiveEnvironments().FirstOrDefault(e => e.Kind == kind)?.Branch ?? HostOrderTerms.DefaultBranch(kind);
}
