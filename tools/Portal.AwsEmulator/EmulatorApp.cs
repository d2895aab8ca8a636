using Microsoft.Extensions.Options;
using Portal.AwsEmulator.Admin;
using Portal.AwsEmulator.CertificateManager;
using Portal.AwsEmulator.CloudFormation;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CloudWatchLogs;
using Portal.AwsEmulator.CodeBuild;
using Portal.AwsEmulator.CodePipeline;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.S3;
using Portal.AwsEmulator.SecretsManager;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator;

/// <summary>Builds the emulator so it can run by itself or in-process inside tests on a free port.</summary>
public static class EmulatorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        AddServices(builder.Services, builder.Configuration);
        var app = builder.Build();
        AdminEndpoints.Map(app);
        var dispatcher = app.Services.GetRequiredService<AwsRequestDispatcher>();
        // Every other path is the AWS endpoint: SDKs post to "/" (the Query protocol also allows GET); S3 uses every method on any path.
        app.MapMethods("/{**path}", ["POST", "GET", "PUT", "HEAD", "DELETE"], dispatcher.HandleAsync);
        return app;
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmulatorOptions>().Bind(configuration.GetSection(EmulatorOptions.Section)).Validate(o => o.AccountId.Length == 12 && o.AccountId.All(char.IsAsciiDigit),
            $"{EmulatorOptions.Section}:AccountId must be 12 digits.").ValidateOnStart();
        services.AddSingleton(sp => new FaultRules(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.Faults));
        services.AddSingleton(sp => new EmulatorTimings(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value));
        services.AddSingleton<OperationStats>();
        services.AddSingleton<EmulatorClock>();
        services.AddSingleton<EmulatorState>();
        services.AddSingleton<Seeder>();
        services.AddHostedService<StatePersistence>();
        services.AddSingleton<CallGate>();
        services.AddSingleton<AwsRequestDispatcher>();

        services.AddSingleton<StackEngine>();
        services.AddSingleton<StackCommands>();
        services.AddSingleton<StackVisibility>();
        services.AddSingleton<ChangeSetCommands>();
        services.AddSingleton<PipelineRunner>();
        services.AddSingleton<IQueryService, CloudFormationService>();
        services.AddSingleton<IQueryService, ElasticLoadBalancingService>();
        services.AddSingleton<IJsonService, CodePipelineService>();
        services.AddSingleton<IJsonService, SecretsManagerService>();
        services.AddSingleton<IJsonService, LogsService>();
        services.AddSingleton<IJsonService, CodeBuildService>();
        services.AddSingleton<S3BucketHandlers>();
        services.AddSingleton<S3ObjectHandlers>();
        services.AddSingleton<S3ListingHandlers>();
        services.AddSingleton<S3Service>();
        services.AddSingleton<IJsonService, CertificateManagerService>();
    }
}
