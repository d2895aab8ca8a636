using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Aws.Protocol;
using Portal.Aws.S3;
using Portal.Aws.SecretsManager;

namespace Portal.Aws.Tests.Support;

/// <summary>The clients as the portal registers them (AddPortalAws), pointed at a test endpoint with fixed credentials.</summary>
public sealed class AwsTestClients : IDisposable
{
    private readonly ServiceProvider provider;

    public AwsTestClients(Uri endpoint, IReadOnlyDictionary<string, string?>? settings = null, IAwsCredentialSource? credentials = null,
        TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = endpoint.ToString(),
            ["Aws:Region"] = "us-east-1",
            ["Aws:MaxAttempts"] = "1",
            ["Aws:Timeout"] = "00:00:10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null) services.AddSingleton(time);
        services.AddSingleton(credentials ?? new StaticCredentialSource(StaticCredentialSource.Dummy));
        services.AddPortalAws(configuration);
        provider = services.BuildServiceProvider();
    }

    public ICloudFormation CloudFormation => provider.GetRequiredService<ICloudFormation>();
    public IPipelines Pipelines => provider.GetRequiredService<IPipelines>();
    public ILoadBalancerRules LoadBalancerRules => provider.GetRequiredService<ILoadBalancerRules>();
    public ISecrets Secrets => provider.GetRequiredService<ISecrets>();
    public IArtifactStore Artifacts => provider.GetRequiredService<IArtifactStore>();
    public AwsClockSkew ClockSkew => provider.GetRequiredService<AwsClockSkew>();

    public void Dispose() => provider.Dispose();
}
