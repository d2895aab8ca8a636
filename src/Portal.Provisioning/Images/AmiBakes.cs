using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Text;
using Portal.GitLab;
using Portal.Provisioning.Background;
using Portal.Provisioning.Environments;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Images;

/// <summary>
/// Bakes each environment's host image with its infrastructure pipeline and rolls it out. An environment asks for a
/// bake (<see cref="HostEnvironment.RequestBake"/>) when it was provisioned, when an update changed what the Packer
/// template renders, and when a push touched the repository's infrastructure folder (the releases write that request:
/// the two journeys meet only in the database). A bake then: puts the rendered Packer template and the commit's
/// infrastructure folder in S3, starts the infrastructure pipeline on exactly that object version, follows the
/// execution, reads the AMI id from Packer's manifest, and starts an ordinary update of the environment, which renders
/// the software stack with the new AmiId (the launch template) so the Auto Scaling group replaces its instances one at
/// a time. None of this blocks releases: the environment stays Active until the roll-out update.
/// </summary>
public sealed class AmiBakes(
    IDbContextFactory<PortalDbContext> contexts,
    EnvironmentLock locks,
    BakeSources sources,
    AmiManifest manifest,
    GitLabClient gitlab,
    GitLabTokenVault vault,
    IPipelines pipelines,
    HostStackRenderer renderer,
    CheckScheduler scheduler,
    TimeProvider clock,
    ILogger<AmiBakes> logger)
{
    private const int BatchSize = 50;

    private static readonly EnvironmentState[] Settled = [EnvironmentState.Active, EnvironmentState.Updating, EnvironmentState.Failed];

    /// <summary>One round over every environment that waits to bake, bakes or has an image to roll out. Always false: the next round is the next tick.</summary>
    public async Task<bool> StepAllAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            due = await db.HostEnvironments
                .Where(e => e.BakeRequestedAt != null || e.BakeExecutionId != null || e.AmiRolloutDue || e.ReleaseRolloutDue)
                .Where(e => Settled.Contains(e.State) && e.Host.State != HostState.Decommissioning && e.Host.State != HostState.Decommissioned)
                .OrderBy(e => e.BakeRequestedAt).Select(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken);
        foreach (var environmentId in due) await StepAsync(environmentId, cancellationToken);
        return false;
    }

    public async Task StepAsync(Guid environmentId, CancellationToken cancellationToken)
    {
        // A lock of its own (not the environment's), so a bake's calls never hold up the environment's operation steps.
        await using var held = await locks.TryAcquireAsync(BakeLockKey(environmentId), cancellationToken);
        if (held is null) return;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var environment = await db.HostEnvironments.Include(e => e.Host).ThenInclude(h => h.Customer).Include(e => e.Host).ThenInclude(h => h.Environments)
            .FirstOrDefaultAsync(e => e.Id == environmentId, cancellationToken);
        if (environment is null) return;
        var order = new HostEnvironmentOrder(environment.Host.Customer.Slug, environment.Host, environment);
        try
        {
            if (environment.BakeExecutionId is not null) await FollowAsync(db, environment, order, cancellationToken);
            else if (environment.BakeRequestedAt is not null && environment.InfrastructureStackId is not null)
                await StartAsync(db, environment, order, cancellationToken);
        }
        catch (Exception e) when (e is GitLabException { Retryable: true } or AwsException { RetryLater: true })
        {
            logger.LogWarning("Bake of environment {EnvironmentId} waits: {Message}", environmentId, e.Message);
            environment.BakeStatus = PostgresText.ShortenNotNull($"Waiting to try again: {e.Message}", ColumnLengths.Reason);
        }
        catch (Exception e) when (e is GitLabException or AwsException)
        {
            Fail(db, environment, $"The image could not be baked: {e.Message}");
        }
        var rollout = RollOut(db, environment);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The environment changed meanwhile (an operation step): the next round starts from the database again.
            return;
        }
        if (rollout is { } check) scheduler.ScheduleEnvironmentStep(environment.Id, check, TimeSpan.Zero);
    }

    private async Task StartAsync(PortalDbContext db, HostEnvironment environment, HostEnvironmentOrder order, CancellationToken cancellationToken)
    {
        var host = environment.Host;
        var now = clock.GetUtcNow();
        if (host.GitLab.TokenSecretArn is not { } secretArn || host.GitLab.ProjectId is not { } projectId)
        {
            environment.BakeSkipped(null, "The host has no GitLab token to read its infrastructure folder with; it keeps its image.", now);
            return;
        }
        var token = (await vault.ReadAsync(secretArn, cancellationToken)).Token;
        string commit;
        try
        {
            commit = environment.BakeCommitId ?? await gitlab.CommitIdAsync(token, projectId, environment.Branch, cancellationToken);
        }
        catch (GitLabNotFoundException)
        {
            environment.BakeSkipped(null, $"Branch {environment.Branch} does not exist yet; its first push bakes the image.", now);
            return;
        }
        var packer = renderer.RenderPackerTemplate(order);
        await sources.PutPackerTemplateAsync(packer, cancellationToken);
        var source = await sources.PutInfrastructureAsync(token, projectId, commit, host.GitLab.InfrastructureFolder, ArtifactKeys.For(order), cancellationToken);
        if (source.SkipReason is { } skipped)
        {
            environment.BakeSkipped(commit, skipped, now);
            return;
        }
        var executionId = await pipelines.StartExecutionAsync(new StartPipelineExecutionRequest(PipelineOf(order))
        {
            ClientRequestToken = BakeToken(environment, commit),
            Variables = new Dictionary<string, string> { ["CommitId"] = commit, ["Branch"] = environment.Branch },
            SourceRevisions = SourceRevision.S3Object(PipelineActions.InfrastructureSource, source.Key!, source.VersionId!),
        }, cancellationToken);
        var reason = environment.BakeReason;
        environment.BakeStarted(executionId, commit, now);
        db.Record(Actor.System, AuditActions.EnvironmentAmiBakeStarted,
            $"{order.EnvironmentName}: execution {executionId} bakes commit {Commits.Short(commit)} ({reason}).", host.CustomerId, host.Id);
        logger.LogInformation("Environment {EnvironmentId} bakes commit {Commit} in execution {ExecutionId}", environment.Id, commit, executionId);
    }

    private async Task FollowAsync(PortalDbContext db, HostEnvironment environment, HostEnvironmentOrder order, CancellationToken cancellationToken)
    {
        var pipeline = PipelineOf(order);
        var executionId = environment.BakeExecutionId!;
        PipelineExecutionDetail execution;
        try
        {
            execution = await pipelines.GetExecutionAsync(pipeline, executionId, cancellationToken);
        }
        catch (AwsNotFoundException)
        {
            Fail(db, environment, $"The bake's execution {executionId} of {pipeline} no longer exists.");
            return;
        }
        switch (execution.Status)
        {
            case "InProgress" or "Stopping":
                return;
            case "Succeeded":
                var (amiId, problem) = await manifest.ReadAsync(pipeline, executionId, cancellationToken);
                if (amiId is null)
                {
                    Fail(db, environment, $"The bake {executionId} succeeded but its AMI id could not be read: {problem}");
                    return;
                }
                environment.Baked(amiId, renderer.RenderPackerTemplate(order).ContentHash, clock.GetUtcNow());
                db.Record(Actor.System, AuditActions.EnvironmentAmiBaked, $"{order.EnvironmentName}: {amiId} from execution {executionId}.",
                    environment.Host.CustomerId, environment.HostId);
                return;
            default:
                Fail(db, environment, $"The bake {executionId} of {pipeline} ended {execution.Status}: {execution.StatusSummary ?? "see the pipeline's Packer action"}. " +
                    "The hosts keep their image.");
                return;
        }
    }

    /// <summary>
    /// A baked image, or what a release's success changed (the first release turns on load balancer health checks; a
    /// blue/green release switches the live side), starts an update once the environment is Active (not while another
    /// operation runs). The update renders both from the environment, so one update rolls out whatever is due.
    /// </summary>
    private Guid? RollOut(PortalDbContext db, HostEnvironment environment)
    {
        if (!(environment.AmiRolloutDue || environment.ReleaseRolloutDue) || environment.State != EnvironmentState.Active
            || !environment.CanBegin(EnvironmentOperation.Update)) return null;
        var now = clock.GetUtcNow();
        var what = string.Join(" and ", new[]
        {
            environment.AmiRolloutDue ? $"image {environment.AmiId}" : null,
            environment.ReleaseRolloutDue ? $"release health checks {(environment.ReleaseDeployed ? "on" : "off")}, live side {environment.LiveColour}" : null,
        }.OfType<string>());
        var action = environment.AmiRolloutDue ? AuditActions.EnvironmentAmiBaked : AuditActions.EnvironmentReleaseRollout;
        environment.AmiRolloutDue = false;
        environment.ReleaseRolloutDue = false;
        var check = environment.Begin(EnvironmentOperation.Update, now);
        HostStates.Rollup(environment.Host, now);
        db.Record(Actor.System, action, $"{EnvironmentNames.Of(environment.Kind)}: rolling out {what}.", environment.Host.CustomerId, environment.HostId);
        return check;
    }

    private void Fail(PortalDbContext db, HostEnvironment environment, string reason)
    {
        environment.BakeFailed(reason, clock.GetUtcNow());
        db.Record(Actor.System, AuditActions.EnvironmentAmiBakeFailed, environment.BakeStatus, environment.Host.CustomerId, environment.HostId);
        logger.LogWarning("Environment {EnvironmentId}: {Reason}", environment.Id, reason);
    }

    private static string PipelineOf(HostEnvironmentOrder order) =>
        AwsNames.For(order).PipelineName(StackLayer.Infrastructure);

    /// <summary>The same request (environment, commit, when asked) always sends the same token, so a crash after starting starts nothing twice.</summary>
    private static string BakeToken(HostEnvironment environment, string commit) =>
        "bake-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{environment.Id:N}:{commit}:{environment.BakeRequestedAt:O}")))[..48];

    private static Guid BakeLockKey(Guid environmentId) => new(SHA256.HashData(Encoding.UTF8.GetBytes($"bake:{environmentId:N}"))[..16]);
}
