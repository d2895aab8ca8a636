using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Hangfire.Logging;

namespace Portal.Provisioning.Jobs;

public static class JobsSetup
{
    /// <summary>Hangfire, storing its jobs in the portal's own Postgres database (schema "hangfire").</summary>
    public static IServiceCollection AddPortalJobs(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var options = configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        options.Validate();

        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            QueuePollInterval = options.QueuePollInterval,
            PrepareSchemaIfNecessary = true,
            // Workers wait on LISTEN/NOTIFY: an enqueued job starts at once instead of at the next poll.
            EnableLongPolling = true,
            // A job whose process died is fetched again after this long (Hangfire's default is 30 minutes).
            InvisibilityTimeout = options.InvisibilityTimeout,
            // A lock left by a killed process counts as expired after this long (Hangfire's default is 10 minutes).
            DistributedLockTimeout = options.DistributedLockTimeout,
        };
        // This portal's own storage and job activator, registered before AddHangfire so that its clients, server and
        // dashboard use them rather than Hangfire's process-wide JobStorage.Current and JobActivator.Current (which
        // another portal in the same process may set): several portals in one process (tests) keep their own jobs.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions, null), storageOptions));
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new DisposalSafeLogProvider(provider.GetRequiredService<ILoggerFactory>())));
        if (options.RunServer)
            services.AddHangfireServer(server =>
            {
                server.WorkerCount = options.WorkerCount;
                server.SchedulePollingInterval = options.SchedulePollingInterval;
            });
        return services;
    }
}

/// <summary>
/// Hangfire's log provider is process-wide: when one of several portals in a process (tests) stops and disposes its
/// logger factory, the others' job servers must keep working (their workers would otherwise fail on every fetch).
/// </summary>
internal sealed class DisposalSafeLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return new SafeLog(inner.GetLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new SafeLog(null);
        }
    }

    /// <summary>Drops what a logger of an already disposed factory can no longer write.</summary>
    private sealed class SafeLog(ILog? inner) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                return inner?.Log(logLevel, messageFunc!, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
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
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a fetched job stays invisible to other workers; a job whose process died runs again after it.</summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How old a Hangfire lock must be to count as left behind by a dead process. Hangfire holds its locks for moments.</summary>
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        if (WorkerCount is < 1 or > 500)
            throw new InvalidOperationException($"{Section}:{nameof(WorkerCount)} must be between 1 and 500 (is {WorkerCount}).");
        if (QueuePollInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(QueuePollInterval)} must be positive.");
        if (SchedulePollingInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(SchedulePollingInterval)} must be positive.");
        if (DistributedLockTimeout < TimeSpan.FromSeconds(10))
            throw new InvalidOperationException($"{Section}:{nameof(DistributedLockTimeout)} must be at least 10 seconds: longer than Hangfire holds a lock.");
        if (InvisibilityTimeout < TimeSpan.FromMinutes(1))
            throw new InvalidOperationException($"{Section}:{nameof(InvisibilityTimeout)} must be at least a minute: longer than any job runs.");
    }
}
