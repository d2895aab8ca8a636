using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Aws.Protocol;
using Portal.Aws.SecretsManager;

namespace Portal.Aws.Tests;

/// <summary>Settings (section "Aws") are checked at start-up with a message naming the setting; endpoints resolve by precedence.</summary>
public class SetupTests
{
    private static IServiceProvider Setup(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalAws(configuration);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Aws:Region", "Frankfurt", "Aws:Region")]
    [InlineData("Aws:ServiceUrl", "localhost:4566", "Aws:ServiceUrl")]
    [InlineData("Aws:ServiceUrl", "ftp://emulator", "Aws:ServiceUrl")]
    [InlineData("Aws:Endpoints:CodePipeline", "not a url", "Aws:Endpoints:CodePipeline")]
    [InlineData("Aws:MaxAttempts", "0", "Aws:MaxAttempts")]
    [InlineData("Aws:RetryBudget", "00:00:00", "Aws:RetryBudget")]
    [InlineData("Aws:Timeout", "-00:00:01", "Aws:Timeout")]
    public void A_wrong_setting_stops_start_up_naming_it(string key, string value, string named)
    {
        var settings = key == "Aws:Region" ? new[] { (key, value) } : [("Aws:Region", "eu-central-1"), (key, value)];

        var error = Assert.Throws<InvalidOperationException>(() => Setup(settings));

        Assert.StartsWith(named + " ", error.Message);
    }

    [Fact]
    public void The_four_clients_are_registered()
    {
        var services = Setup(("Aws:ServiceUrl", "http://127.0.0.1:4566"));

        Assert.IsType<CloudFormationClient>(services.GetRequiredService<ICloudFormation>());
        Assert.IsType<CodePipelineClient>(services.GetRequiredService<IPipelines>());
        Assert.IsType<LoadBalancerRulesClient>(services.GetRequiredService<ILoadBalancerRules>());
        Assert.IsType<SecretsManagerClient>(services.GetRequiredService<ISecrets>());
        Assert.IsType<SdkCredentialSource>(services.GetRequiredService<IAwsCredentialSource>());
    }

    [Fact]
    public void A_service_endpoint_wins_over_the_service_url_which_wins_over_AWS()
    {
        var endpoints = Setup(
                ("Aws:Region", "eu-central-1"),
                ("Aws:ServiceUrl", "http://127.0.0.1:4566"),
                ("Aws:Endpoints:SecretsManager", "http://127.0.0.1:5000/secrets"))
            .GetRequiredService<AwsEndpoints>();

        Assert.Equal("eu-central-1", endpoints.Region);
        Assert.Equal(new Uri("http://127.0.0.1:5000/secrets/"), endpoints.For(AwsService.SecretsManager));
        Assert.Equal(new Uri("http://127.0.0.1:4566/"), endpoints.For(AwsService.CloudFormation));

        var aws = Setup(("Aws:Region", "eu-central-1")).GetRequiredService<AwsEndpoints>();
        Assert.Equal(new Uri("https://cloudformation.eu-central-1.amazonaws.com/"), aws.For(AwsService.CloudFormation));
        Assert.Equal(new Uri("https://elasticloadbalancing.eu-central-1.amazonaws.com/"), aws.For(AwsService.ElasticLoadBalancing));
        Assert.Equal(new Uri("https://codepipeline.eu-central-1.amazonaws.com/"), aws.For(AwsService.CodePipeline));
        Assert.Equal(new Uri("https://secretsmanager.cn-north-1.amazonaws.com.cn/"),
            Setup(("Aws:Region", "cn-north-1")).GetRequiredService<AwsEndpoints>().For(AwsService.SecretsManager));
    }

    [Fact]
    public void The_emulator_needs_no_region()
    {
        var endpoints = Setup(("Aws:ServiceUrl", "http://127.0.0.1:4566")).GetRequiredService<AwsEndpoints>();

        Assert.Equal(AwsSetup.EmulatorDefaultRegion, endpoints.Region);
    }

    [Theory]
    [InlineData("AWS_REGION", "eu-west-3")]
    [InlineData("AWS_DEFAULT_REGION", "ap-southeast-2")]
    public void An_endpoint_override_keeps_the_region_the_environment_names(string variable, string region)
    {
        var options = new AwsOptions { ServiceUrl = "http://127.0.0.1:4566" };

        var resolved = AwsSetup.ResolveRegion(options, name => name == variable ? region : null);

        Assert.Equal(region, resolved);
        Assert.Equal("eu-north-1", AwsSetup.ResolveRegion(new AwsOptions { ServiceUrl = options.ServiceUrl, Region = "eu-north-1" }, _ => region));
        Assert.Equal("eu-west-3", AwsSetup.ResolveRegion(options, name => name == "AWS_REGION" ? "eu-west-3" : "ap-southeast-2"));
    }

    [Fact]
    public void Defaults_are_valid()
    {
        var options = new AwsOptions();

        options.Validate();

        Assert.Equal((5, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20)), (options.MaxAttempts, options.RetryBudget, options.Timeout));
        Assert.False(options.HasEndpointOverride);
    }
}
