using System.Text.Json;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Orders;

namespace Portal.Provisioning.Changes;

/// <summary>
/// A change of a host's order as the customer sees it, in the pages and the API alike: what they changed field by
/// field and, once CloudFormation has worked it out, what each stack of each environment would add, modify or remove.
/// </summary>
public sealed record HostChangeView(
    Guid Id,
    string Host,
    HostChangeState State,
    string? StateReason,
    IReadOnlyList<FieldChange> FieldChanges,
    IReadOnlyList<ChangeStackView> Stacks,
    HostOrder ProposedOrder,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset UpdatedAt)
{
    public static HostChangeView From(HostChange change, string hostName) => new(
        change.Id,
        hostName,
        change.State,
        change.StateReason,
        change.FieldChanges,
        change.Stacks
            .OrderBy(s => s.Environment).ThenBy(s => s.Layer == "infrastructure" ? 0 : 1)
            .Select(s => new ChangeStackView(EnvironmentNames.Of(s.Environment), s.Layer, s.StackName, s.Status, s.StatusReason, s.Changes))
            .ToList(),
        JsonSerializer.Deserialize<HostOrder>(change.ProposedOrder) ?? new HostOrder(),
        change.RequestedBy,
        change.RequestedAt,
        change.ConfirmedAt,
        change.UpdatedAt);
}

/// <summary>One stack's change set in a change: Creating while AWS works it out, then Ready with the resource changes (or NoChanges, Failed).</summary>
public sealed record ChangeStackView(
    string Environment,
    string Layer,
    string StackName,
    ChangeSetState Status,
    string? StatusReason,
    IReadOnlyList<ResourceChangeRecord> Changes);
