using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Portal.Aws.CloudFormation;
using Portal.Aws.CloudWatchLogs;
using Portal.Aws.CodeBuild;
using Portal.Aws.CodePipeline;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Aws.Protocol;
using Portal.Aws.CertificateManager;
using Portal.Aws.S3;
using Portal.Aws.SecretsManager;

namespace Portal.Aws;

public static class AwsSetup
{
    /// <summary>Region used with an overridden endpoint when none is configured: the emulator accepts any.</summary>
    public const string EmulatorDefaultRegion = "us-east-1";

    /// <summary>
    /// The AWS clients (ICloudFormation, IPipelines, ILoadBalancerRules, ISecrets, ICertificates on the hand-written protocol
    /// clients; IArtifactStore on the official AWSSDK.S3) and their shared plumbing.
    /// Settings (section "Aws") and the region are checked here, at start-up; credentials on first use.
    /// </summary>
    public static IServiceCollection AddPortalAws(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AwsOptions.Section).Get<AwsOptions>() ?? new AwsOptions();
        options.Validate();
        var region = ResolveRegion(options, Environment.GetEnvironmentVariable);

        services.AddSingleton(options);
        services.AddSingleton(new AwsEndpoints(region, options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(AwsRequestSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton<IAwsCredentialSource>(provider =>
            new SdkCredentialSource(options.HasEndpointOverride, provider.GetRequiredService<ILogger<SdkCredentialSource>>()));
        services.AddSingleton<AwsClockSkew>();
        services.AddMetrics();
        services.AddSingleton<AwsTelemetry>();
        services.AddSingleton<AwsRetryPolicy>();
        services.AddSingleton<AwsRequestSender>();
        services.AddSingleton<ICloudFormation, CloudFormationClient>();
        services.AddSingleton<IPipelines, CodePipelineClient>();
        services.AddSingleton<ILoadBalancerRules, LoadBalancerRulesClient>();
        services.AddSingleton<ISecrets, SecretsManagerClient>();
        services.AddSingleton<ICertificates, CertificatesClient>();
        services.AddSingleton<IArtifactStore, S3ArtifactStore>();
        services.AddSingleton<IBuilds, CodeBuildClient>();
        services.AddSingleton<ILogs, CloudWatchLogsClient>();
        return services;
    }

    /// <summary>
    /// Aws:Region, else AWS_REGION, else AWS_DEFAULT_REGION, else AWSSDK.Core's FallbackRegionFactory (profile, instance
    /// metadata); with an endpoint override (the emulator, which accepts any) us-east-1 when neither variable names one.
    /// An endpoint override never hides a region that was set: requests are signed for it.
    /// </summary>
    public static string ResolveRegion(AwsOptions options, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(options.Region)) return options.Region;
        foreach (var variable in RegionVariables)
            if (environment(variable) is { } named && !string.IsNullOrWhiteSpace(named))
                return named.Trim();
        // The emulator is local: no instance metadata to ask (its look-up would only time out).
        if (options.HasEndpointOverride) return EmulatorDefaultRegion;
        var found = FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        return !string.IsNullOrWhiteSpace(found)
            ? found
            : throw new InvalidOperationException(
                $"{AwsOptions.Section}:{nameof(AwsOptions.Region)} is not set and no region was found in AWS_REGION, AWS_DEFAULT_REGION, the shared profile " +
                "or instance metadata. Set Aws__Region (e.g. eu-central-1) or AWS_REGION.");
    }

    private static readonly string[] RegionVariables = ["AWS_REGION", "AWS_DEFAULT_REGION"];
}
