using System.Globalization;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Orders;

namespace Portal.Provisioning.Changes;

/// <summary>What an edit changes, field by field, in the words of the order form.</summary>
public static class HostOrderDiff
{
    public static List<FieldChange> Between(ValidHostOrder current, ValidHostOrder proposed)
    {
        var changes = new List<FieldChange>();
        void Compare(string field, string? from, string? to)
        {
            if (!string.Equals(from ?? "", to ?? "", StringComparison.Ordinal)) changes.Add(new FieldChange(field, from, to));
        }
        Compare(HostOrderFields.Plan, current.Plan, proposed.Plan);
        Compare(HostOrderFields.Environments, Names(current.Environments), Names(proposed.Environments));
        foreach (var kind in current.Environments.Concat(proposed.Environments).Select(e => e.Kind).Distinct().Order())
            Compare(HostOrderFields.BranchOf(kind), current.Environments.FirstOrDefault(e => e.Kind == kind)?.Branch,
                proposed.Environments.FirstOrDefault(e => e.Kind == kind)?.Branch);
        Compare(HostOrderFields.MinInstances, Number(current.MinInstances), Number(proposed.MinInstances));
        Compare(HostOrderFields.MaxInstances, Number(current.MaxInstances), Number(proposed.MaxInstances));
        Compare(HostOrderFields.GitLabProjectPath, current.GitLabProjectPath, proposed.GitLabProjectPath);
        Compare(HostOrderFields.GitLabProjectUrl, current.GitLabProjectUrl, proposed.GitLabProjectUrl);
        Compare(HostOrderFields.InfrastructureFolder, current.InfrastructureFolder, proposed.InfrastructureFolder);
        Compare(HostOrderFields.HealthCheckPath, current.HealthCheckPath, proposed.HealthCheckPath);
        Compare(HostOrderFields.ApproverEmails, string.Join(", ", current.ApproverEmails), string.Join(", ", proposed.ApproverEmails));
        Compare(HostOrderFields.CustomDomain, current.CustomDomain, proposed.CustomDomain);
        Compare(HostOrderFields.CertificateArn, current.CertificateArn, proposed.CertificateArn);
        Compare(HostOrderFields.DeploymentStyle, HostOrderTerms.DeploymentStyleName(current.DeploymentStyle), HostOrderTerms.DeploymentStyleName(proposed.DeploymentStyle));
        Compare("databaseInstanceClass", current.Database.InstanceClass, proposed.Database.InstanceClass);
        Compare(HostOrderFields.DatabaseStorageGb, Number(current.Database.StorageGb), Number(proposed.Database.StorageGb));
        Compare(HostOrderFields.DatabaseMultiAz, current.Database.MultiAz ? "yes" : "no", proposed.Database.MultiAz ? "yes" : "no");
        return changes;
    }

    private static string Names(IEnumerable<OrderedEnvironment> environments) =>
        string.Join(", ", environments.Select(e => e.Kind).Order().Select(EnvironmentNames.Of));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
