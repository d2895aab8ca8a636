using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Provisioning.Jobs;

public static class JobsSetup
{
    /// <summary>Hangfire, storing its jobs in the portal's own Postgres database (schema "hangfire").</summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var options = configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        options.Validate();

        services.AddHangfire(hangfire => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(storage => storage.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                QueuePollInterval = options.QueuePollInterval,
                PrepareSchemaIfNecessary = true,
            }));
        if (options.RunServer)
            services.AddHangfireServer(server =>
            {
                server.WorkerCount = options.WorkerCount;
                server.SchedulePollingInterval = options.SchedulePollingInterval;
            });
        return services;
    }
}

/// <summary>Settings of the background job server (section "Jobs").</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>False for a portal instance that only serves pages and enqueues jobs.</summary>
    public bool RunServer { get; set; } = true;
    public int WorkerCount { get; set; } = 20;
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        if (WorkerCount is < 1 or > 500)
            throw new InvalidOperationException($"{Section}:{nameof(WorkerCount)} must be between 1 and 500 (is {WorkerCount}).");
        if (QueuePollInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(QueuePollInterval)} must be positive.");
        if (SchedulePollingInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(SchedulePollingInterval)} must be positive.");
    }
}
