using Microsoft.Extensions.Configuration;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests.Orders;

public sealed class CostEstimatorTests
{
    private static readonly CostEstimator Estimator = new(PriceTable.Defaults(), ValidOrders.Validator);

    [Fact]
    public void One_environment_without_extras_costs_the_plans_base_price()
    {
        var order = ValidOrders.DevOnly();
        order.DatabaseEngine = "none";

        var estimate = Estimator.Estimate(order);

        Assert.Equal(49m, estimate.MonthlyTotal);
        Assert.Equal("USD", estimate.Currency);
    }

    [Fact]
    public void The_plan_changes_the_price_per_environment()
    {
        var order = ValidOrders.DevOnly();
        order.DatabaseEngine = "none";
        order.Environments = ["dev", "production"];
        order.ApproverEmails = ["ops@acme.example"];

        var small = Estimator.Estimate(order).MonthlyTotal;
        order.Plan = "medium";
        var medium = Estimator.Estimate(order).MonthlyTotal;

        Assert.Equal(2 * 49m, small);
        Assert.Equal(2 * 189m, medium);
    }

    [Fact]
    public void Database_extra_instances_multi_az_and_a_dedicated_load_balancer_are_added()
    {
        var order = ValidOrders.DevAndProduction(); // medium, mysql 100 GB Multi-AZ, min 2 (plan min 2), custom domain
        var prices = PriceTable.Defaults();
        var database = (prices.DatabaseInstancePerMonth["mysql"]["db.t4g.medium"] + 100 * prices.DatabaseStoragePerGbMonth) * prices.MultiAzFactor;

        var estimate = Estimator.Estimate(order);

        Assert.Equal(2 * (189m + database) + prices.DedicatedLoadBalancerPerMonth, estimate.MonthlyTotal);
        Assert.Single(estimate.Lines, l => l.Item.Contains("Dedicated load balancer") && l.Environment == "production");

        order.MinInstances = 4;
        Assert.Equal(estimate.MonthlyTotal + 2 * 2 * prices.InstancePerMonth["t3.medium"], Estimator.Estimate(order).MonthlyTotal);
    }

    [Fact]
    public void An_order_without_a_known_plan_or_environment_has_no_price_yet()
    {
        Assert.Empty(Estimator.Estimate(new HostOrder { Plan = "huge", Environments = ["dev"] }).Lines);
        Assert.Empty(Estimator.Estimate(new HostOrder { Plan = "small" }).Lines);
    }

    [Fact]
    public void Prices_must_cover_every_plan()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prices:Currency"] = "EUR",
            ["Prices:InstancePerMonth:t3.micro"] = "8",
            ["Prices:MultiAzFactor"] = "2",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => PriceTable.FromConfiguration(configuration).Validate(new PlanCatalog(PlanCatalog.Defaults)));

        Assert.Contains("Prices:DatabaseInstancePerMonth:postgres:db.t4g.micro", error.Message);
    }

    [Fact]
    public void Quota_settings_are_checked()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new QuotaOptions { MaxHostsPerCustomer = 0 }.Validate());
        Assert.Contains("Quotas:MaxHostsPerCustomer", error.Message);
    }
}
