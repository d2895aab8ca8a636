using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Observability;

/// <summary>
/// Traces and metrics of background jobs: an activity per Hangfire job, the histogram portal.jobs.duration (seconds, by
/// job and outcome) and the observable gauge portal.jobs.queue_depth (Hangfire's enqueued and scheduled jobs, and the
/// pushes and releases waiting for their pipeline to start), read when metrics are collected.
/// </summary>
public sealed class JobTelemetry : IServerFilter
{
    /// <summary>The ActivitySource and Meter name of this assembly.</summary>
    public const string Name = "Portal.Web";

    public static readonly ActivitySource Source = new(Name);

    private const string ActivityKey = "portal.activity";
    private const string StartedKey = "portal.started";

    private readonly Histogram<double> duration;
    private readonly JobStorage storage;
    private readonly IDbContextFactory<PortalDbContext> contexts;
    private readonly ILogger<JobTelemetry> logger;

    public JobTelemetry(IMeterFactory meters, JobStorage storage, IDbContextFactory<PortalDbContext> contexts, ILogger<JobTelemetry> logger)
    {
        (this.storage, this.contexts, this.logger) = (storage, contexts, logger);
        var meter = meters.Create(Name);
        duration = meter.CreateHistogram<double>("portal.jobs.duration", "s", "How long background jobs ran, by job and outcome.");
        meter.CreateObservableGauge("portal.jobs.queue_depth", QueueDepth, "{job}",
            "Work waiting: Hangfire jobs enqueued and scheduled, and release starts pending (accepted pushes and pending releases).");
    }

    public void OnPerforming(PerformingContext context)
    {
        var job = JobName(context);
        var activity = Source.StartActivity($"job {job}");
        activity?.SetTag("portal.job.id", context.BackgroundJob.Id);
        context.Items[ActivityKey] = activity;
        context.Items[StartedKey] = Stopwatch.GetTimestamp();
    }

    public void OnPerformed(PerformedContext context)
    {
        var failed = context.Exception is not null && !context.ExceptionHandled;
        if (context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp)
            duration.Record(Stopwatch.GetElapsedTime(timestamp).TotalSeconds,
                new TagList { { "job", JobName(context) }, { "outcome", failed ? "failed" : "succeeded" } });
        if (context.Items.TryGetValue(ActivityKey, out var value) && value is Activity activity)
        {
            if (failed) activity.SetStatus(ActivityStatusCode.Error, context.Exception!.GetType().Name);
            activity.Dispose();
        }
    }

    private static string JobName(PerformContext context) =>
        $"{context.BackgroundJob.Job.Type.Name}.{context.BackgroundJob.Job.Method.Name}";

    private IEnumerable<Measurement<long>> QueueDepth()
    {
        try
        {
            var monitoring = storage.GetMonitoringApi();
            var (enqueued, scheduled) = (monitoring.EnqueuedCount("default"), monitoring.ScheduledCount());
            using var db = contexts.CreateDbContext();
            var accepted = db.PushDeliveries.Count(d => d.Status == DeliveryStatus.Accepted);
            var pending = db.Releases.Count(r => r.State == ReleaseState.Pending);
            return
            [
                new(enqueued, new KeyValuePair<string, object?>("queue", "jobs_enqueued")),
                new(scheduled, new KeyValuePair<string, object?>("queue", "jobs_scheduled")),
                new(accepted + pending, new KeyValuePair<string, object?>("queue", "release_starts")),
            ];
        }
        catch (Exception e)
        {
            // A scrape while the database is away shows no depth rather than failing the whole scrape.
            logger.LogWarning("Reading the queue depth failed: {Message}", e.Message);
            return [];
        }
    }
}
