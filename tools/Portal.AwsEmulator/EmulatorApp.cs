using Portal.AwsEmulator.Admin;
using Portal.AwsEmulator.CloudFormation;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CodePipeline;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.Faults;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.SecretsManager;
using Portal.AwsEmulator.State;
using Microsoft.Extensions.Options;

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
        // Every other path is the AWS endpoint, as SDKs post to "/" (the Query protocol also allows GET).
        app.MapMethods("/{**path}", ["POST", "GET"], dispatcher.HandleAsync);
        return app;
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmulatorOptions>().Bind(configuration.GetSection(EmulatorOptions.Section)).Validate(o => o.AccountId.Length == 12 && o.AccountId.All(char.IsAsciiDigit),
            $"{EmulatorOptions.Section}:AccountId must be 12 digits.").ValidateOnStart();
        services.AddSingleton(sp => new FaultRules(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.Faults));
        services.AddSingleton(sp => new EmulatorTimings(sp.GetRequiredService<IOptions<EmulatorOptions>>().Value));
        services.AddSingleton<OperationStats>();
        services.AddSingleton<EmulatorState>();
        services.AddSingleton<Seeder>();
        services.AddHostedService<StatePersistence>();
        services.AddSingleton<AwsRequestDispatcher>();

        services.AddSingleton<StackEngine>();
        services.AddSingleton<StackCommands>();
        services.AddSingleton<ChangeSetCommands>();
        services.AddSingleton<PipelineRunner>();
        services.AddSingleton<IQueryService, CloudFormationService>();
        services.AddSingleton<IQueryService, ElasticLoadBalancingService>();
        services.AddSingleton<IJsonService, CodePipelineService>();
        services.AddSingleton<IJsonService, SecretsManagerService>();
    }
}
