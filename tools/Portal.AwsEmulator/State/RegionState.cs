using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CodePipeline;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.SecretsManager;

namespace Portal.AwsEmulator.State;

/// <summary>Everything one region of the emulated account holds; each service's store guards itself.</summary>
public sealed class RegionState(string name, string accountId)
{
    public string Name { get; } = name;
    public string AccountId { get; } = accountId;
    public StackStore Stacks { get; } = new();
    public LoadBalancingStore LoadBalancing { get; } = new(name, accountId);
    public SecretStore Secrets { get; } = new(name, accountId);
    public PipelineStore Pipelines { get; } = new(name, accountId);

    /// <summary>Names given to resources of the types that only the stack engine knows (roles, log groups, trails…).</summary>
    public ResourceNames Names { get; } = new();

    public JsonObject Save() => new()
    {
        ["stacks"] = Stacks.Save(),
        ["loadBalancing"] = LoadBalancing.Save(),
        ["secrets"] = Secrets.Save(),
        ["pipelines"] = Pipelines.Save(),
        ["names"] = Names.Save(),
    };

    public void Load(JsonObject saved)
    {
        Stacks.Load(saved["stacks"]);
        LoadBalancing.Load(saved["loadBalancing"]);
        Secrets.Load(saved["secrets"]);
        Pipelines.Load(saved["pipelines"]);
        Names.Load(saved["names"]);
    }
}
