using Portal.Data.Entities;
using Portal.Provisioning.Orders;

namespace Portal.Provisioning.Changes;

/// <summary>
/// The edit form's view of one host: the order it was made from (to prefill the form), and the rules a change of it
/// must follow (<see cref="HostOrderValidator.ValidateChange"/>), checked against the host as it was when the form
/// opened. Proposing checks them again against the host as it is then.
/// </summary>
public sealed class HostEdit
{
    private readonly Host host;
    private readonly HostOrderValidator validator;
    private readonly ValidHostOrder? current;

    internal HostEdit(Host host, HostOrderValidator validator)
    {
        this.host = host;
        this.validator = validator;
        current = validator.Validate(HostOrderMapping.FromHost(host)).Order;
    }

    public Guid HostId => host.Id;
    public string HostName => host.Name;
    public HostState State => host.State;

    /// <summary>The environments the host runs now, in order.</summary>
    public IReadOnlyList<EnvironmentKind> Environments => host.LiveEnvironments().Select(e => e.Kind).Order().ToList();

    /// <summary>Whether the host may be changed now (only an Active host can be).</summary>
    public bool CanChange => host.State == HostState.Active;

    /// <summary>A fresh copy of the host's current order.</summary>
    public HostOrder CurrentOrder() => HostOrderMapping.FromHost(host);

    public HostOrderValidation Validate(HostOrder proposed) => validator.ValidateChange(host, proposed);

    /// <summary>What the proposed order changes, field by field; empty while it has errors or changes nothing.</summary>
    public IReadOnlyList<FieldChange> Changes(HostOrder proposed) =>
        current is not null && Validate(proposed).Order is { } valid ? HostOrderDiff.Between(current, valid) : [];
}
