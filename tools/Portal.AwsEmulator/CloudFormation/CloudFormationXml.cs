using System.Xml.Linq;
using Portal.AwsEmulator.CloudFormation.Stacks;
using static Portal.AwsEmulator.Protocol.QueryXml;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>CloudFormation's response shapes (Stack, StackEvent, StackResource, change set) as AWS writes them.</summary>
public static class CloudFormationXml
{
    public static IEnumerable<XElement?> Stack(StackRecord stack) =>
    [
        new XElement("StackId", stack.StackId),
        new XElement("StackName", stack.StackName),
        Optional("Description", stack.Description),
        Parameters(stack.Parameters),
        Element("CreationTime", stack.CreationTime),
        Optional("DeletionTime", stack.DeletionTime),
        Optional("LastUpdatedTime", stack.LastUpdatedTime),
        new XElement("StackStatus", stack.Status),
        Optional("StackStatusReason", stack.StatusReason),
        Element("DisableRollback", stack.DisableRollback),
        Strings("NotificationARNs", stack.NotificationArns),
        Optional("TimeoutInMinutes", stack.TimeoutInMinutes),
        Strings("Capabilities", stack.Capabilities),
        Members("Outputs", stack.Outputs.Select(o => new[]
        {
            new XElement("OutputKey", o.Key), new XElement("OutputValue", o.Value), Optional("Description", o.Description), Optional("ExportName", o.ExportName),
        })),
        Optional("RoleARN", stack.RoleArn),
        Tags(stack.Tags),
        Element("EnableTerminationProtection", stack.EnableTerminationProtection),
        new XElement("DriftInformation", new XElement("StackDriftStatus", "NOT_CHECKED")),
    ];

    public static IEnumerable<XElement?> Event(StackEventRecord e) =>
    [
        new XElement("StackId", e.StackId),
        new XElement("EventId", e.EventId),
        new XElement("StackName", e.StackName),
        new XElement("LogicalResourceId", e.LogicalResourceId),
        Optional("PhysicalResourceId", e.PhysicalResourceId ?? ""),
        new XElement("ResourceType", e.ResourceType),
        Element("Timestamp", e.Timestamp),
        new XElement("ResourceStatus", e.ResourceStatus),
        Optional("ResourceStatusReason", e.ResourceStatusReason),
        Optional("ClientRequestToken", e.ClientRequestToken),
    ];

    public static IEnumerable<XElement?> Resource(StackRecord stack, StackResourceRecord r) =>
    [
        new XElement("StackName", stack.StackName),
        new XElement("StackId", stack.StackId),
        new XElement("LogicalResourceId", r.LogicalId),
        Optional("PhysicalResourceId", r.PhysicalId),
        new XElement("ResourceType", r.Type),
        Element("Timestamp", r.Timestamp),
        new XElement("ResourceStatus", r.Status),
        Optional("ResourceStatusReason", r.StatusReason),
        new XElement("DriftInformation", new XElement("StackResourceDriftStatus", "NOT_CHECKED")),
    ];

    public static IEnumerable<XElement?> ChangeSet(StackRecord stack, ChangeSetRecord c, IReadOnlyList<ResourceChangeRecord> changes, string? nextToken) =>
    [
        new XElement("ChangeSetName", c.ChangeSetName),
        new XElement("ChangeSetId", c.ChangeSetId),
        new XElement("StackId", stack.StackId),
        new XElement("StackName", stack.StackName),
        Optional("Description", c.Description),
        Parameters(c.Parameters),
        Element("CreationTime", c.CreationTime),
        new XElement("ExecutionStatus", c.ExecutionStatus),
        new XElement("Status", c.Status),
        Optional("StatusReason", c.StatusReason),
        Strings("NotificationARNs", c.NotificationArns),
        Strings("Capabilities", c.Capabilities),
        Tags(c.Tags),
        Members("Changes", changes.Select(Change)),
        Optional("NextToken", nextToken),
        Element("IncludeNestedStacks", false),
    ];

    private static IEnumerable<XElement?> Change(ResourceChangeRecord change) =>
    [
        new XElement("Type", "Resource"),
        new XElement("ResourceChange",
            new XElement("Action", change.Action),
            new XElement("LogicalResourceId", change.LogicalResourceId),
            Optional("PhysicalResourceId", change.PhysicalResourceId),
            new XElement("ResourceType", change.ResourceType),
            Optional("Replacement", change.Replacement),
            Strings("Scope", change.Scope),
            Members("Details", change.Details.Select(d => new[]
            {
                new XElement("Target", new XElement("Attribute", d.Attribute), Optional("Name", d.Name), new XElement("RequiresRecreation", d.RequiresRecreation)),
                new XElement("Evaluation", d.Evaluation),
                new XElement("ChangeSource", d.ChangeSource),
                Optional("CausingEntity", d.CausingEntity),
            }))),
    ];

    private static XElement Parameters(IEnumerable<StackParameterValue> parameters) =>
        Members("Parameters", parameters.Select(p => new[] { new XElement("ParameterKey", p.Key), new XElement("ParameterValue", p.NoEcho ? "****" : p.Value) }));

    private static XElement Tags(IEnumerable<StackTag> tags) =>
        Members("Tags", tags.Select(t => new[] { new XElement("Key", t.Key), new XElement("Value", t.Value) }));
}
