using System.Text.Json.Nodes;
using Portal.AwsEmulator.CertificateManager;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CloudWatchLogs;
using Portal.AwsEmulator.CodeBuild;
using Portal.AwsEmulator.CodePipeline;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.S3;
using Portal.AwsEmulator.SecretsManager;

namespace Portal.AwsEmulator.State;

/// <summary>Everything one region of the emulated account holds; each service's store guards itself.</summary>
public sealed class RegionState
{
    public RegionState(string name, string accountId, LoadBalancingQuotas quotas, S3Store s3)
    {
        (Name, AccountId, S3) = (name, accountId, s3);
        Certificates = new CertificateStore(name, accountId);
        LoadBalancing = new LoadBalancingStore(name, accountId, quotas, Certificates);
        Secrets = new SecretStore(name, accountId);
        Pipelines = new PipelineStore(name, accountId);
        Logs = new LogStore(name, accountId);
        Builds = new BuildStore(name, accountId);
    }

    public string Name { get; }
    public string AccountId { get; }
    public StackStore Stacks { get; } = new();
    public CertificateStore Certificates { get; }
    public LoadBalancingStore LoadBalancing { get; }
    public SecretStore Secrets { get; }
    public PipelineStore Pipelines { get; }
    public LogStore Logs { get; }
    public BuildStore Builds { get; }

    /// <summary>The account's S3 buckets (one namespace for every region); each bucket knows its region.</summary>
    public S3Store S3 { get; }

    /// <summary>Names given to resources of the types that only the stack engine knows (roles, log groups, trails…).</summary>
    public ResourceNames Names { get; } = new();

    public JsonObject Save() => new()
    {
        ["stacks"] = Stacks.Save(),
        ["certificates"] = Certificates.Save(),
        ["loadBalancing"] = LoadBalancing.Save(),
        ["secrets"] = Secrets.Save(),
        ["pipelines"] = Pipelines.Save(),
        ["logs"] = Logs.Save(),
        ["builds"] = Builds.Save(),
        ["names"] = Names.Save(),
    };

    public void Load(JsonObject saved)
    {
        Stacks.Load(saved["stacks"]);
        Certificates.Load(saved["certificates"]);
        LoadBalancing.Load(saved["loadBalancing"]);
        Secrets.Load(saved["secrets"]);
        Pipelines.Load(saved["pipelines"]);
        Logs.Load(saved["logs"]);
        Builds.Load(saved["builds"]);
        Names.Load(saved["names"]);
    }
}
