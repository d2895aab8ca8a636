using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Provisioning.Orders;

/// <summary>
/// The monthly price of an order from the plan catalog and the <see cref="PriceTable"/>. It works on unfinished
/// orders too (the form shows it while the customer types): what cannot be priced yet is left out.
/// </summary>
public sealed class CostEstimator(PriceTable prices, HostOrderValidator validator)
{
    /// <summary>What the estimate covers and what it does not, shown next to it.</summary>
    public static IReadOnlyList<string> Includes { get; } =
    [
        "the plan's base price for each environment (its minimum instances, the rule on the shared load balancer, the build and deployment pipelines)",
        "instances above the plan's minimum",
        "the database instance and its storage (doubled by Multi-AZ)",
        "a dedicated load balancer for a production custom domain",
    ];

    public static IReadOnlyList<string> Excludes { get; } =
    [
        "instances started by scaling above the minimum",
        "data transfer",
        "taxes",
    ];

    public CostEstimate Estimate(HostOrder order)
    {
        var lines = new List<CostLine>();
        if (validator.FindPlan(order.Plan) is not { } plan)
            return new CostEstimate(prices.Currency, lines);

        var engine = HostOrderTerms.TryParseDatabaseEngine(order.DatabaseEngine, out var parsed) ? parsed : HostOrderTerms.NoDatabase;
        var minInstances = Math.Max(order.MinInstances ?? plan.Definition.MinInstances, 1);
        var extraInstances = Math.Max(0, minInstances - plan.Definition.MinInstances);
        var storage = Math.Max(order.DatabaseStorageGb ?? plan.Definition.DatabaseStorageGb, 0);
        var multiAz = order.DatabaseMultiAz ? prices.MultiAzFactor : 1m;

        foreach (var kind in EnvironmentNames.All.Where(order.Includes))
        {
            var environment = EnvironmentNames.Of(kind);
            lines.Add(new CostLine(environment, $"Plan {plan.Name} ({plan.Definition.InstanceType})", plan.Definition.MonthlyPrice));
            if (extraInstances > 0 && prices.InstancePerMonth.TryGetValue(plan.Definition.InstanceType, out var instance))
                lines.Add(new CostLine(environment, $"{extraInstances} more {plan.Definition.InstanceType} instance(s)", extraInstances * instance));
            if (engine != HostOrderTerms.NoDatabase
                && prices.DatabaseInstancePerMonth.TryGetValue(engine, out var classes)
                && classes.TryGetValue(plan.Definition.DatabaseInstanceClass, out var database))
            {
                var what = $"{engine} {plan.Definition.DatabaseInstanceClass}, {storage} GB{(order.DatabaseMultiAz ? ", Multi-AZ" : "")}";
                lines.Add(new CostLine(environment, $"Database ({what})", (database + storage * prices.DatabaseStoragePerGbMonth) * multiAz));
            }
            if (kind == EnvironmentKind.Production && !string.IsNullOrWhiteSpace(order.CustomDomain))
                lines.Add(new CostLine(environment, "Dedicated load balancer for the custom domain", prices.DedicatedLoadBalancerPerMonth));
        }
        return new CostEstimate(prices.Currency, lines);
    }

    /// <summary>The estimate of a host as ordered.</summary>
    public CostEstimate Estimate(Host host) => Estimate(new HostOrder
    {
        Plan = host.Plan,
        Environments = host.LiveEnvironments().Select(e => EnvironmentNames.Of(e.Kind)).ToList(),
        DatabaseEngine = host.Database.Engine,
        DatabaseStorageGb = host.Database.AllocatedStorageGb,
        DatabaseMultiAz = host.Database.MultiAz,
        MinInstances = host.MinInstances,
        CustomDomain = host.Domain.CustomDomain,
    });
}

public sealed record CostEstimate(string Currency, IReadOnlyList<CostLine> Lines)
{
    public decimal MonthlyTotal => Lines.Sum(l => l.MonthlyAmount);

    /// <summary>What one environment ("dev", "staging", "production") costs a month: its share of the total.</summary>
    public decimal MonthlyFor(string environment) => Lines.Where(l => l.Environment == environment).Sum(l => l.MonthlyAmount);
}

public sealed record CostLine(string Environment, string Item, decimal MonthlyAmount);
