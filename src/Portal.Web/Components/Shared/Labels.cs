using Portal.Data.Entities;
using Portal.Provisioning.Hosts;

namespace Portal.Web.Components.Shared;

/// <summary>The words a person reads for the portal's states and AWS's statuses: one place, never raw enum or API text.</summary>
public static class Labels
{
    public static string Of(Enum state) => state switch
    {
        ReleaseState s => Release(s),
        HostState.Ordered => "Ordered",
        HostState.Provisioning or EnvironmentState.Provisioning => "Provisioning",
        HostState.Active or EnvironmentState.Active => "Active",
        HostState.Updating or EnvironmentState.Updating => "Updating",
        HostState.Failed or EnvironmentState.Failed => "Failed",
        HostState.Decommissioning or EnvironmentState.Decommissioning => "Decommissioning",
        HostState.Decommissioned or EnvironmentState.Decommissioned => "Decommissioned",
        EnvironmentState.Pending => "Waiting to start",
        HostChangeState c => Change(c),
        ApprovalOutcome.Approved => "Approved",
        ApprovalOutcome.Rejected => "Rejected",
        _ => Words(state.ToString()),
    };

    public static string Release(ReleaseState state, bool rejected = false) => state switch
    {
        ReleaseState.Pending => "Queued",
        ReleaseState.InProgress => "Running",
        ReleaseState.WaitingForApproval => "Waiting for approval",
        ReleaseState.Succeeded => "Succeeded",
        ReleaseState.Failed => rejected ? "Rejected" : "Failed",
        ReleaseState.Stopped => "Stopped",
        ReleaseState.Superseded => "Superseded",
        _ => Words(state.ToString()),
    };

    private static string Change(HostChangeState state) => state switch
    {
        HostChangeState.Preparing => "Preparing preview",
        HostChangeState.Ready => "Ready to apply",
        HostChangeState.NoChanges => "No changes",
        _ => Words(state.ToString()),
    };

    /// <summary>CodePipeline's stage and action statuses (Cancelled, InProgress, Failed, Stopped, Stopping, Succeeded, Abandoned).</summary>
    /// <summary>CodeBuild's build statuses (BatchGetBuilds buildStatus) in words.</summary>
    public static string Build(string status) => status switch
    {
        "IN_PROGRESS" => "Building",
        "SUCCEEDED" => "Build succeeded",
        "FAILED" => "Build failed",
        "FAULT" => "Build fault",
        "TIMED_OUT" => "Build timed out",
        "STOPPED" => "Build stopped",
        _ => Words(status),
    };

    public static string Stage(string status) => status switch
    {
        "InProgress" => "Running",
        "Succeeded" => "Succeeded",
        "Failed" => "Failed",
        "Stopped" => "Stopped",
        "Stopping" => "Stopping",
        "Cancelled" => "Cancelled",
        "Abandoned" => "Abandoned",
        "" => "Not started",
        _ => Words(status),
    };

    /// <summary>
    /// CloudFormation's resource and stack statuses in plain words: CREATE_IN_PROGRESS → "Creating", UPDATE_ROLLBACK_COMPLETE →
    /// "Update rolled back".
    /// </summary>
    public static string Stack(string status) => status switch
    {
        "CREATE_IN_PROGRESS" => "Creating",
        "CREATE_COMPLETE" => "Created",
        "CREATE_FAILED" => "Create failed",
        "UPDATE_IN_PROGRESS" => "Updating",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" => "Updated, cleaning up",
        "UPDATE_COMPLETE" => "Updated",
        "UPDATE_FAILED" => "Update failed",
        "UPDATE_ROLLBACK_IN_PROGRESS" => "Rolling back the update",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS" => "Update rolled back, cleaning up",
        "UPDATE_ROLLBACK_COMPLETE" => "Update rolled back",
        "UPDATE_ROLLBACK_FAILED" => "Update rollback failed",
        "ROLLBACK_IN_PROGRESS" => "Rolling back",
        "ROLLBACK_COMPLETE" => "Rolled back",
        "ROLLBACK_FAILED" => "Rollback failed",
        "DELETE_IN_PROGRESS" => "Deleting",
        "DELETE_COMPLETE" => "Deleted",
        "DELETE_FAILED" => "Delete failed",
        "DELETE_SKIPPED" => "Kept (not deleted)",
        "REVIEW_IN_PROGRESS" => "In review",
        "IMPORT_IN_PROGRESS" => "Importing",
        "IMPORT_COMPLETE" => "Imported",
        _ => Words(status.Replace('_', ' ').ToLowerInvariant()),
    };

    /// <summary>What the DNS says of a record to create: "Points elsewhere (other.example.net)".</summary>
    public static string Dns(DnsCheckResult result) => result.Outcome switch
    {
        DnsCheckOutcome.PointsAtLoadBalancer => "Points at the load balancer",
        DnsCheckOutcome.NotYet => "Does not resolve yet",
        DnsCheckOutcome.Elsewhere => $"Points elsewhere ({result.Detail})",
        DnsCheckOutcome.CouldNotCheck => $"Could not be checked ({result.Detail})",
        _ => Words(result.Outcome.ToString()),
    };

    /// <summary>Whether a CloudFormation status is a failure (the reason of such an event is the one worth reading).</summary>
    public static bool StackFailed(string status) => status.EndsWith("_FAILED", StringComparison.Ordinal);

    /// <summary>"WaitingForApproval" → "Waiting for approval".</summary>
    public static string Words(string text)
    {
        var spaced = string.Concat(text.Select((c, i) => i > 0 && char.IsUpper(c) && !char.IsUpper(text[i - 1]) ? " " + char.ToLowerInvariant(c) : c.ToString()));
        return spaced.Length == 0 ? spaced : char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }
}
