using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Portal.Web.Jobs;

public static class JobsSetup
{
    /// <summary>Hangfire, storing its jobs in the portal's own Postgres database (schema "hangfire"). Returns the validated settings.</summary>
    public static JobOptions AddPortalJobs(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        var options = configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        options.Validate();

        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            QueuePollInterval = options.QueuePollInterval,
            PrepareSchemaIfNecessary = true,
            // Workers wait on LISTEN/NOTIFY (each on a connection of its own; an enqueue NOTIFYs every instance's workers):
            // an enqueued job starts at once, so QueuePollInterval is only the safety net and can be long.
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
        // Hangfire's filters plus this portal's own (not the process-wide GlobalJobFilters, for the same reason).
        services.AddSingleton<FailedJobNotice>();
        services.AddSingleton<IJobFilterProvider>(provider =>
        {
            var own = new JobFilterCollection();
            own.Add(provider.GetRequiredService<FailedJobNotice>());
            own.Add(provider.GetRequiredService<Observability.JobTelemetry>());
            return new JobFilterProviderCollection(JobFilterProviders.Providers, own);
        });
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
                server.HeartbeatInterval = options.HeartbeatInterval;
            });
        return options;
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
    /// <summary>
    /// How long an idle worker waits before it looks at the queue again without being notified: one fetch (a transaction)
    /// per worker per interval. Enqueues notify the workers (long polling), so this only catches a lost notification or a
    /// job whose invisibility timeout ran out.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often the delayed-job and the recurring-job schedulers look for due jobs: each look takes and frees a Hangfire
    /// lock (about four transactions). The portal's delayed jobs are Hangfire's own retries (5 to 30 s later); no recurring
    /// job remains. A retry may start up to this much later than asked.
    /// </summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the job server reports it is alive (one UPDATE); another server counts it dead after 5 minutes without.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(1);

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
        if (HeartbeatInterval < TimeSpan.FromSeconds(1) || HeartbeatInterval > TimeSpan.FromMinutes(2))
            throw new InvalidOperationException($"{Section}:{nameof(HeartbeatInterval)} must be between 1 second and 2 minutes (servers count as dead after 5).");
        if (DistributedLockTimeout < TimeSpan.FromSeconds(10))
            throw new InvalidOperationException($"{Section}:{nameof(DistributedLockTimeout)} must be at least 10 seconds: longer than Hangfire holds a lock.");
        if (InvisibilityTimeout < TimeSpan.FromMinutes(1))
            throw new InvalidOperationException($"{Section}:{nameof(InvisibilityTimeout)} must be at least a minute: longer than any job runs.");
    }
}
