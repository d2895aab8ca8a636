using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Jobs;
using Portal.Provisioning.Releases;
using Portal.Provisioning.Stacks;

namespace Portal.Provisioning.Operations;

/// <summary>
/// What operators do to any customer's host: retry what failed (the host's operations, a release, a background job),
/// stop a pipeline execution, read the pipelines' state again, and set how releases are approved. The rules of
/// retrying are <see cref="HostOperations"/>' and <see cref="ReleaseService"/>'; each call runs in a DI scope of its
/// own (pages call it) and is audited.
/// </summary>
public sealed class FleetActions(IServiceScopeFactory scopes, IPipelines pipelines, IBackgroundJobClient jobs, TimeProvider time, ILogger<FleetActions> logger)
{
    public async Task<OperatorActionResult> RetryHostAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<HostOperations>().RetryAsync(hostId, actor, cancellationToken);
        return result.Outcome switch
        {
            HostOperationOutcome.Started => OperatorActionResult.Done("Retry started: the failed environments run their operation again."),
            HostOperationOutcome.NotFound => OperatorActionResult.NotFound("There is no such host."),
            _ => OperatorActionResult.Conflict(result.Message ?? "The host cannot be retried now."),
        };
    }

    public async Task<OperatorActionResult> RetryReleaseAsync(Guid releaseId, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReleaseService>().RetryReleaseAsync(releaseId, actor, cancellationToken) switch
        {
            RetryReleaseResult.Queued => OperatorActionResult.Done("The release is queued to start again."),
            RetryReleaseResult.NotFound => OperatorActionResult.NotFound("There is no such release."),
            RetryReleaseResult.NotFailed => OperatorActionResult.Conflict("Only a failed release can be retried."),
            _ => OperatorActionResult.Conflict("The release changed meanwhile; look again."),
        };
    }

    /// <summary>Stops the release's pipeline execution (running actions finish, a waiting approval is abandoned).</summary>
    public async Task<OperatorActionResult> StopReleaseAsync(Guid releaseId, Actor actor, string? reason, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var release = await db.Releases.AsNoTracking().Where(r => r.Id == releaseId)
            .Select(r => new { r.State, r.PipelineExecutionId, r.CommitId, r.HostEnvironmentId, r.HostEnvironment.Kind, r.HostEnvironment.PipelineName, r.HostEnvironment.HostId, r.HostEnvironment.Host.CustomerId })
            .SingleOrDefaultAsync(cancellationToken);
        if (release is null) return OperatorActionResult.NotFound("There is no such release.");
        if (release.State is not (ReleaseState.InProgress or ReleaseState.WaitingForApproval) || release.PipelineExecutionId is null || release.PipelineName is null)
            return OperatorActionResult.Conflict($"Only a running pipeline execution can be stopped; this release is {release.State}.");
        var why = string.IsNullOrWhiteSpace(reason) ? $"Stopped by {actor.Name}" : $"Stopped by {actor.Name}: {reason.Trim()}";
        try
        {
            await pipelines.StopExecutionAsync(release.PipelineName, release.PipelineExecutionId, Clip(why, 200), abandon: false, cancellationToken);
        }
        catch (AwsException e) when (!e.Retryable)
        {
            await scope.ServiceProvider.GetRequiredService<ReleaseStateSync>().SyncEnvironmentAsync(release.HostEnvironmentId, cancellationToken);
            return OperatorActionResult.Conflict($"AWS did not stop the execution: {e.Code}: {e.AwsMessage}");
        }
        catch (AwsException e)
        {
            return OperatorActionResult.Unavailable($"AWS did not answer ({e.Code}); try again in a moment.");
        }
        db.Record(actor, "release.stopped", $"{release.Kind.ToString().ToLowerInvariant()} release of {Short(release.CommitId)}, execution {release.PipelineExecutionId}: {why}.",
            release.CustomerId, release.HostId);
        await db.SaveChangesAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<ReleaseStateSync>().SyncEnvironmentAsync(release.HostEnvironmentId, cancellationToken);
        return OperatorActionResult.Done("Stop requested: the execution stops once its running actions finish.");
    }

    /// <summary>Reads every pipeline of the host again now, instead of at the next recurring sync.</summary>
    public async Task<OperatorActionResult> ResyncAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var host = await db.Hosts.AsNoTracking().Where(h => h.Id == hostId)
            .Select(h => new { h.CustomerId, Environments = h.Environments.Select(e => e.Id).ToList() }).SingleOrDefaultAsync(cancellationToken);
        if (host is null) return OperatorActionResult.NotFound("There is no such host.");
        var sync = scope.ServiceProvider.GetRequiredService<ReleaseStateSync>();
        var changed = 0;
        foreach (var environment in host.Environments) changed += await sync.SyncEnvironmentAsync(environment, cancellationToken);
        db.ChangeTracker.Clear();
        db.Record(actor, "host.resynced", $"{changed} release(s) changed.", host.CustomerId, hostId);
        await db.SaveChangesAsync(cancellationToken);
        return OperatorActionResult.Done(changed == 0 ? "Re-synced: every release was up to date." : $"Re-synced: {changed} release(s) changed.");
    }

    /// <summary>How many different operators must approve the host's production releases: 1 or 2.</summary>
    public async Task<OperatorActionResult> SetRequiredApprovalsAsync(Guid hostId, int required, Actor actor, CancellationToken cancellationToken = default)
    {
        if (required is < 1 or > 2) return OperatorActionResult.Invalid("requiredApprovals", "Production releases need 1 or 2 approvals.");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.Id == hostId, cancellationToken);
        if (host is null) return OperatorActionResult.NotFound("There is no such host.");
        if (host.RequiredApprovals == required) return OperatorActionResult.Done($"Production releases already need {Approvals(required)}.");
        var before = host.RequiredApprovals;
        host.RequiredApprovals = required;
        host.UpdatedAt = time.GetUtcNow();
        db.Record(actor, "host.required-approvals-set", $"Production releases need {Approvals(required)} (was {before}).", host.CustomerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OperatorActionResult.Conflict("The host changed meanwhile; look again.");
        }
        return OperatorActionResult.Done($"Production releases now need {Approvals(required)}.");
    }

    /// <summary>
    /// Makes dev or staging releases wait for an operator's approval before Deploy (or stop waiting). The pipeline is
    /// part of the software stack, so the environment is updated; production always waits.
    /// </summary>
    public async Task<OperatorActionResult> SetEnvironmentApprovalAsync(Guid hostId, EnvironmentKind kind, bool required, Actor actor,
        CancellationToken cancellationToken = default)
    {
        if (kind == EnvironmentKind.Production)
            return OperatorActionResult.Invalid("environment", "Production releases always wait for approval.");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var host = await db.Hosts.Include(h => h.Environments).SingleOrDefaultAsync(h => h.Id == hostId, cancellationToken);
        if (host is null) return OperatorActionResult.NotFound("There is no such host.");
        var environment = host.Environments.FirstOrDefault(e => e.Kind == kind);
        var name = kind.ToString().ToLowerInvariant();
        if (environment is null) return OperatorActionResult.NotFound($"The host has no {name} environment.");
        if (environment.RequiresApproval == required)
            return OperatorActionResult.Done(required ? $"{name} releases already wait for approval." : $"{name} releases already deploy without approval.");
        if (host.State != HostState.Active || environment.State != EnvironmentState.Active)
            return OperatorActionResult.Conflict($"The host is {host.State} and {name} is {environment.State}; change the approval once both are Active.");

        var now = time.GetUtcNow();
        environment.RequiresApproval = required;
        var (environmentId, check) = HostOperations.Begin(environment, EnvironmentOperation.Update, now);
        HostStates.Rollup(host, now);
        db.Record(actor, required ? "environment.approval-required" : "environment.approval-dropped",
            required ? $"{name} releases wait for an operator's approval before Deploy; updating the pipeline." : $"{name} releases deploy without approval; updating the pipeline.",
            host.CustomerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OperatorActionResult.Conflict("The host changed meanwhile; look again.");
        }
        scope.ServiceProvider.GetRequiredService<CheckScheduler>().ScheduleEnvironmentStep(environmentId, check, TimeSpan.Zero);
        return OperatorActionResult.Done(required
            ? $"{name} releases will wait for approval: the pipeline is being updated."
            : $"{name} releases will deploy without approval: the pipeline is being updated.");
    }

    /// <summary>Puts a background job that failed for good back in its queue.</summary>
    public async Task<OperatorActionResult> RequeueJobAsync(string jobId, Actor actor, CancellationToken cancellationToken = default)
    {
        if (!jobs.Requeue(jobId)) return OperatorActionResult.NotFound($"There is no job {jobId} to requeue.");
        logger.LogInformation("Job {JobId} requeued by {Operator}", jobId, actor.Name);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Record(actor, "job.requeued", $"Background job {jobId} requeued.");
        await db.SaveChangesAsync(cancellationToken);
        return OperatorActionResult.Done($"Job {jobId} is queued again.");
    }

    private static string Approvals(int count) => count == 1 ? "one approval" : $"{count} approvals from different operators";

    private static string Short(string commit) => commit.Length > 8 ? commit[..8] : commit;

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

/// <summary>What became of an operator's action; the message says it in words.</summary>
public sealed record OperatorActionResult(OperatorActionOutcome Outcome, string Message, string? Field = null)
{
    public static OperatorActionResult Done(string message) => new(OperatorActionOutcome.Done, message);
    public static OperatorActionResult NotFound(string message) => new(OperatorActionOutcome.NotFound, message);
    public static OperatorActionResult Conflict(string message) => new(OperatorActionOutcome.Conflict, message);
    public static OperatorActionResult Unavailable(string message) => new(OperatorActionOutcome.Unavailable, message);
    public static OperatorActionResult Invalid(string field, string message) => new(OperatorActionOutcome.Invalid, message, field);
}

public enum OperatorActionOutcome { Done, NotFound, Conflict, Invalid, Unavailable }
