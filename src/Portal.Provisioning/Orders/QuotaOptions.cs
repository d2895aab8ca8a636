namespace Portal.Provisioning.Orders;

/// <summary>Limits per customer (section "Quotas").</summary>
public sealed class QuotaOptions
{
    public const string Section = "Quotas";

    /// <summary>Hosts a customer may have at once; decommissioned hosts do not count.</summary>
    public int MaxHostsPerCustomer { get; set; } = 10;

    public void Validate()
    {
        if (MaxHostsPerCustomer is < 1 or > 10_000)
            throw new InvalidOperationException($"{Section}:{nameof(MaxHostsPerCustomer)} must be between 1 and 10000 (is {MaxHostsPerCustomer}).");
    }
}
