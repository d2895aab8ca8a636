using Microsoft.Extensions.Configuration;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Orders;

/// <summary>
/// Monthly prices behind the order form's estimate (section "Prices"). The plan's own MonthlyPrice is the base
/// price of one environment; this table prices what an order adds on top. Defaults apply when not configured.
/// </summary>
public sealed class PriceTable
{
    public const string Section = "Prices";

    public string Currency { get; set; } = "";

    /// <summary>One instance for a month, by EC2 instance type: charged for instances above the plan's minimum.</summary>
    public Dictionary<string, decimal> InstancePerMonth { get; set; } = [];

    /// <summary>One database instance for a month, by engine and then by RDS instance class.</summary>
    public Dictionary<string, Dictionary<string, decimal>> DatabaseInstancePerMonth { get; set; } = [];

    public decimal DatabaseStoragePerGbMonth { get; set; }

    /// <summary>Multi-AZ runs a standby: database instance and storage are multiplied by this.</summary>
    public decimal MultiAzFactor { get; set; }

    /// <summary>The production load balancer of a host with its own domain.</summary>
    public decimal DedicatedLoadBalancerPerMonth { get; set; }

    public static PriceTable Defaults() => new()
    {
        Currency = "USD",
        InstancePerMonth = new() { ["t3.micro"] = 8m, ["t3.small"] = 16m, ["t3.medium"] = 31m, ["m6i.large"] = 72m },
        DatabaseInstancePerMonth = new()
        {
            ["postgres"] = new() { ["db.t4g.micro"] = 13m, ["db.t4g.medium"] = 53m, ["db.m6g.large"] = 122m },
            ["mysql"] = new() { ["db.t4g.micro"] = 12m, ["db.t4g.medium"] = 50m, ["db.m6g.large"] = 115m },
        },
        DatabaseStoragePerGbMonth = 0.12m,
        MultiAzFactor = 2m,
        DedicatedLoadBalancerPerMonth = 23m,
    };

    public static PriceTable FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return section.Exists() ? section.Get<PriceTable>() ?? new PriceTable() : Defaults();
    }

    /// <summary>Throws with a message naming the setting when a price is missing for something a plan can order.</summary>
    public void Validate(PlanCatalog plans)
    {
        if (Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
            throw new InvalidOperationException($"{Section}:{nameof(Currency)} must be a three-letter code such as USD (is '{Currency}').");
        foreach (var (name, plan) in plans.Plans)
        {
            if (!InstancePerMonth.TryGetValue(plan.InstanceType, out var instance) || instance < 0)
                throw new InvalidOperationException($"{Section}:{nameof(InstancePerMonth)}:{plan.InstanceType} needs a price (plan '{name}').");
            foreach (var engine in HostOrderTerms.DatabaseEngines.Where(e => e != HostOrderTerms.NoDatabase))
                if (!DatabaseInstancePerMonth.TryGetValue(engine, out var classes) || !classes.TryGetValue(plan.DatabaseInstanceClass, out var price) || price < 0)
                    throw new InvalidOperationException(
                        $"{Section}:{nameof(DatabaseInstancePerMonth)}:{engine}:{plan.DatabaseInstanceClass} needs a price (plan '{name}').");
        }
        if (DatabaseStoragePerGbMonth < 0)
            throw new InvalidOperationException($"{Section}:{nameof(DatabaseStoragePerGbMonth)} cannot be negative.");
        if (MultiAzFactor < 1)
            throw new InvalidOperationException($"{Section}:{nameof(MultiAzFactor)} must be at least 1 (is {MultiAzFactor}).");
        if (DedicatedLoadBalancerPerMonth < 0)
            throw new InvalidOperationException($"{Section}:{nameof(DedicatedLoadBalancerPerMonth)} cannot be negative.");
    }
}
