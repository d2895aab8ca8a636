using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Web.Operations;

/// <summary>Operators put a background job that failed for good back in its queue (Hangfire's own state machine decides).</summary>
public sealed class JobActions(IBackgroundJobClient jobs, IDbContextFactory<PortalDbContext> contexts, ILogger<JobActions> logger)
{
    public async Task<ActionResult> RequeueAsync(string jobId, Actor actor, CancellationToken cancellationToken = default)
    {
        if (!long.TryParse(jobId, out _) || !jobs.Requeue(jobId)) return ActionResult.NotFound($"There is no job {jobId} to requeue.");
        logger.LogInformation("Job {JobId} requeued by {Operator}", jobId, actor.Name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Record(actor, AuditActions.JobRequeued, $"Background job {jobId} requeued.");
        await db.SaveChangesAsync(cancellationToken);
        return ActionResult.Done($"Job {jobId} is queued again.");
    }
}
