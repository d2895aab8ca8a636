using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portal.Provisioning.Aws.Protocol;

namespace Portal.Provisioning.Aws;

public static class AwsSetup
{
    /// <summary>Region used with an overridden endpoint when none is configured: the emulator accepts any.</summary>
    public const string EmulatorDefaultRegion = "us-east-1";

    /// <summary>
    /// The four AWS clients (ICloudFormation, IPipelines, ILoadBalancerRules, ISecrets) and their shared plumbing.
    /// Settings (section "Aws") and the region are checked here, at start-up; credentials on first use.
    /// </summary>
    public static IServiceCollection AddPortalAws(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AwsOptions.Section).Get<AwsOptions>() ?? new AwsOptions();
        options.Validate();
        var region = ResolveRegion(options);

        services.AddSingleton(options);
        services.AddSingleton(new AwsEndpoints(region, options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(AwsRequestSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<IAwsCredentialSource>(provider =>
            new SdkCredentialSource(options.HasEndpointOverride, provider.GetRequiredService<ILogger<SdkCredentialSource>>()));
        services.AddSingleton<AwsRetryPolicy>();
        services.AddSingleton<AwsRequestSender>();
        services.AddSingleton<ICloudFormation, CloudFormationClient>();
        services.AddSingleton<IPipelines, CodePipelineClient>();
        services.AddSingleton<ILoadBalancerRules, LoadBalancerRulesClient>();
        services.AddSingleton<ISecrets, SecretsManagerClient>();
        return services;
    }

    /// <summary>Aws:Region, else AWSSDK.Core's FallbackRegionFactory (AWS_REGION, profile, instance metadata); us-east-1 for the emulator.</summary>
    private static string ResolveRegion(AwsOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Region)) return options.Region;
        if (options.HasEndpointOverride) return EmulatorDefaultRegion;
        var found = FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        return !string.IsNullOrWhiteSpace(found)
            ? found
            : throw new InvalidOperationException(
                $"{AwsOptions.Section}:{nameof(AwsOptions.Region)} is not set and no region was found in AWS_REGION, the shared profile or instance metadata. " +
                "Set Aws__Region (e.g. eu-central-1) or AWS_REGION.");
    }
}
