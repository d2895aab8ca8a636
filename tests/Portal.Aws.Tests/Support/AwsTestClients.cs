using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Aws.Protocol;

namespace Portal.Aws.Tests.Support;

/// <summary>The four clients as the portal registers them (AddPortalAws), pointed at a test endpoint with fixed credentials.</summary>
public sealed class AwsTestClients : IDisposable
{
    private readonly ServiceProvider provider;

    public AwsTestClients(Uri endpoint, IReadOnlyDictionary<string, string?>? settings = null, IAwsCredentialSource? credentials = null)
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
        services.AddSingleton(credentials ?? new StaticCredentialSource(StaticCredentialSource.Dummy));
        services.AddPortalAws(configuration);
        provider = services.BuildServiceProvider();
    }

    public ICloudFormation CloudFormation => provider.GetRequiredService<ICloudFormation>();
    public IPipelines Pipelines => provider.GetRequiredService<IPipelines>();
    public ILoadBalancerRules LoadBalancerRules => provider.GetRequiredService<ILoadBalancerRules>();
    public ISecrets Secrets => provider.GetRequiredService<ISecrets>();

    public void Dispose() => provider.Dispose();
}
