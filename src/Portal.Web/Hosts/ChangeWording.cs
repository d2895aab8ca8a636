using Portal.Data.Entities;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Orders;

namespace Portal.Web.Hosts;

/// <summary>How the change preview words a host change: the order's fields by their form labels, and each resource change in plain words.</summary>
public static class ChangeWording
{
    private static readonly Dictionary<string, string> FieldLabels = new(StringComparer.Ordinal)
    {
        [HostOrderFields.Name] = "Host name",
        [HostOrderFields.Plan] = "Plan",
        [HostOrderFields.Environments] = "Environments",
        [HostOrderFields.DevBranch] = "Branch for dev",
        [HostOrderFields.StagingBranch] = "Branch for staging",
        [HostOrderFields.ProductionBranch] = "Branch for production",
        [HostOrderFields.GitLabProjectPath] = "GitLab project path",
        [HostOrderFields.GitLabProjectUrl] = "GitLab project URL",
        [HostOrderFields.HealthCheckPath] = "Health check path",
        [HostOrderFields.ApproverEmails] = "Approver e-mails",
        [HostOrderFields.CustomDomain] = "Custom domain",
        [HostOrderFields.CertificateArn] = "Certificate ARN",
        [HostOrderFields.DeploymentStyle] = "Deployment style",
        [HostOrderFields.DatabaseEngine] = "Database engine",
        ["databaseInstanceClass"] = "Database instance class",
        [HostOrderFields.DatabaseStorageGb] = "Database storage (GB)",
        [HostOrderFields.DatabaseMultiAz] = "Database Multi-AZ standby",
        [HostOrderFields.MinInstances] = "Minimum instances",
        [HostOrderFields.MaxInstances] = "Maximum instances",
        [HostOrderFields.ConfirmRemoval] = "Confirm removal",
    };

    /// <summary>"plan" → "Plan"; an unknown key is shown as it is.</summary>
    public static string FieldLabel(string field) => FieldLabels.GetValueOrDefault(field, field);

    /// <summary>A field's value as the preview shows it ("—" for none).</summary>
    public static string Value(string? value) => string.IsNullOrEmpty(value) ? "—" : value;

    /// <summary>"Modify LaunchTemplate (AWS::EC2::LaunchTemplate) — replacement: no".</summary>
    public static string Describe(ResourceChangeRecord change)
    {
        var resource = $"{change.LogicalResourceId} ({change.ResourceType})";
        return change.Action switch
        {
            "Add" => $"Add {resource} — a new resource",
            "Remove" => $"Remove {resource} — deleted",
            "Modify" => $"Modify {resource} — replacement: {ReplacementWords(change.Replacement)}",
            _ => $"{change.Action} {resource}",
        };
    }

    private static string ReplacementWords(string? replacement) => replacement switch
    {
        "True" => "YES (a new resource replaces it)",
        "Conditional" => "maybe (depends on values AWS only knows during the update)",
        "False" => "no",
        _ => "unknown",
    };

    /// <summary>How much a resource change needs the customer's attention.</summary>
    public static ChangeRisk RiskOf(ResourceChangeRecord change) => change switch
    {
        { Action: "Remove" } or { Action: "Modify", Replacement: "True" } => ChangeRisk.Replaced,
        { Action: "Modify", Replacement: "Conditional" } => ChangeRisk.MaybeReplaced,
        _ => ChangeRisk.InPlace,
    };

    /// <summary>The database changes a customer must not miss: a database replaced or removed loses its data (AWS keeps a snapshot only on deletion).</summary>
    public static IReadOnlyList<string> DatabaseWarnings(HostChangeView change) =>
        change.Stacks
            .SelectMany(stack => stack.Changes.Where(c => IsDatabase(c) && RiskOf(c) != ChangeRisk.InPlace).Select(c => (stack.Environment, stack.Status, Change: c)))
            .Select(x => x.Status == ChangeSetState.Delete
                ? $"{x.Environment}: the database {x.Change.LogicalResourceId} will be deleted with the environment (RDS keeps a final snapshot)."
                : RiskOf(x.Change) == ChangeRisk.MaybeReplaced
                ? $"{x.Environment}: the database {x.Change.LogicalResourceId} may be replaced by a new, empty one."
                : x.Change.Action == "Remove"
                    ? $"{x.Environment}: the database {x.Change.LogicalResourceId} will be deleted."
                    : $"{x.Environment}: the database {x.Change.LogicalResourceId} will be REPLACED by a new, empty one.")
            .ToList();

    public static bool IsDatabase(ResourceChangeRecord change) =>
        change.ResourceType is "AWS::RDS::DBInstance" or "AWS::RDS::DBCluster";
}

public enum ChangeRisk
{
    /// <summary>Added, or modified in place.</summary>
    InPlace,
    /// <summary>Replacement depends on values resolved during the update.</summary>
    MaybeReplaced,
    /// <summary>Replaced by a new resource, or removed.</summary>
    Replaced,
}
