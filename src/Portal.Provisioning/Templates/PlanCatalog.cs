using Microsoft.Extensions.Configuration;

namespace Portal.Provisioning.Templates;

/// <summary>One orderable size of host: its fleet, the database it suggests and what it costs.</summary>
public sealed class PlanDefinition
{
    public string InstanceType { get; set; } = "";
    public int MinInstances { get; set; }
    public int MaxInstances { get; set; }
    public string DatabaseInstanceClass { get; set; } = "";
    public int DatabaseStorageGb { get; set; }
    public decimal MonthlyPrice { get; set; }
}

/// <summary>The plans customers choose from (section "Plans": name → definition); small, medium and large when not configured.</summary>
public sealed class PlanCatalog
{
    public const string Section = "Plans";

    public static IReadOnlyDictionary<string, PlanDefinition> Defaults { get; } = new Dictionary<string, PlanDefinition>
    {
        ["small"] = new() { InstanceType = "t3.micro", MinInstances = 1, MaxInstances = 2, DatabaseInstanceClass = "db.t4g.micro", DatabaseStorageGb = 20, MonthlyPrice = 49m },
        ["medium"] = new() { InstanceType = "t3.medium", MinInstances = 2, MaxInstances = 4, DatabaseInstanceClass = "db.t4g.medium", DatabaseStorageGb = 50, MonthlyPrice = 189m },
        ["large"] = new() { InstanceType = "m6i.large", MinInstances = 2, MaxInstances = 8, DatabaseInstanceClass = "db.m6g.large", DatabaseStorageGb = 200, MonthlyPrice = 590m },
    };

    public PlanCatalog(IReadOnlyDictionary<string, PlanDefinition> plans)
    {
        if (plans.Count == 0)
            throw new InvalidOperationException($"{Section} must define at least one plan.");
        foreach (var (name, plan) in plans)
            Validate(name, plan);
        Plans = new Dictionary<string, PlanDefinition>(plans, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyDictionary<string, PlanDefinition> Plans { get; }

    public static PlanCatalog FromConfiguration(IConfiguration configuration)
    {
        var configured = configuration.GetSection(Section).Get<Dictionary<string, PlanDefinition>>();
        return new PlanCatalog(configured is { Count: > 0 } ? configured : Defaults);
    }

    public PlanDefinition Get(string name) =>
        Plans.TryGetValue(name, out var plan)
            ? plan
            : throw new ArgumentException($"Unknown plan '{name}'. Plans: {string.Join(", ", Plans.Keys)}.", nameof(name));

    private static void Validate(string name, PlanDefinition plan)
    {
        var where = $"{Section}:{name}";
        if (string.IsNullOrWhiteSpace(plan.InstanceType))
            throw new InvalidOperationException($"{where}:{nameof(plan.InstanceType)} is required.");
        if (plan.MinInstances < 1 || plan.MaxInstances < plan.MinInstances)
            throw new InvalidOperationException($"{where} needs 1 ≤ {nameof(plan.MinInstances)} ≤ {nameof(plan.MaxInstances)} (is {plan.MinInstances}..{plan.MaxInstances}).");
        if (string.IsNullOrWhiteSpace(plan.DatabaseInstanceClass) || !plan.DatabaseInstanceClass.StartsWith("db.", StringComparison.Ordinal))
            throw new InvalidOperationException($"{where}:{nameof(plan.DatabaseInstanceClass)} must be an RDS class such as db.t4g.micro.");
        if (plan.DatabaseStorageGb is < 20 or > 16384)
            throw new InvalidOperationException($"{where}:{nameof(plan.DatabaseStorageGb)} must be between 20 and 16384.");
        if (plan.MonthlyPrice < 0)
            throw new InvalidOperationException($"{where}:{nameof(plan.MonthlyPrice)} cannot be negative.");
    }
}
