using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.Data.Text;
using Portal.Releases.GitLab;
using Portal.Releases.Starting;

namespace Portal.Releases.Webhooks;

/// <summary>
/// Receives GitLab deliveries: reads the body as it streams in, finds the hosts of its project, checks the token first
/// (and the instance and signature), and only then decides what the delivery does. A push is recorded as one row, which
/// is also its release's queue entry; other events are recorded as ignored, for the host's delivery log. It never calls
/// AWS: the release starters make the release and start it, so the answer to GitLab is fast and an accepted push is
/// never lost. A singleton: the accepted path touches only <see cref="WebhookRoutes"/> and <see cref="WebhookStore"/>;
/// a DbContext is made only for the rare duplicate or refusal.
/// </summary>
public sealed class PushWebhookService(
    IDbContextFactory<PortalDbContext> contexts,
    WebhookStore store,
    WebhookRoutes routes,
    RejectedTokenAudit rejectedTokenAudit,
    WebhookThrottle throttle,
    WebhookSigningKeys signingKeys,
    GitLabWebhookOptions options,
    ReleaseStartSignal startSignal,
    ReleaseTelemetry telemetry,
    TimeProvider time,
    ILogger<PushWebhookService> logger)
{
    private const int MaxRefLength = 300;
    private const int MaxRouteAttempts = 3;

    public async Task<PushOutcome> ReceiveAsync(GitLabDelivery delivery, Stream body, string? sourceAddress, CancellationToken cancellationToken)
    {
        using var activity = ReleaseTelemetry.Source.StartActivity("gitlab.webhook");
        var outcome = await ReceiveStreamAsync(delivery, body, sourceAddress, cancellationToken);
        telemetry.Delivered(delivery, outcome, activity);
        return outcome;
    }

    private async Task<PushOutcome> ReceiveStreamAsync(GitLabDelivery delivery, Stream body, string? sourceAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(delivery.Event))
            return new PushInvalid($"The {GitLabDelivery.EventHeader} header is missing; GitLab sends it with every webhook.");
        if (delivery.Event == GitLabDelivery.SystemHook)
            return new PushInvalid("System hooks are not supported: add a project webhook (or a group webhook) for push events " +
                "with the host's secret token instead.");

        await using var content = new GitLabBody(body, options.MaxBodyBytes, hash: delivery.NeedsBodyHash, keep: delivery.IsSigned);
        try
        {
            return await ReceiveAsync(delivery, content, sourceAddress, cancellationToken);
        }
        catch (GitLabBodyTooLargeException e)
        {
            return new PushTooLarge($"The body is larger than {e.Limit / (1024 * 1024.0):0.#} MiB (GitLab sends at most 25 MB).");
        }
    }

    private async Task<PushOutcome> ReceiveAsync(GitLabDelivery delivery, GitLabBody body, string? sourceAddress,
        CancellationToken cancellationToken)
    {
        PushEvent? push = null;
        long projectId;
        string projectPath;
        if (delivery.IsPush)
        {
            var parsed = await PushEventParser.ParseAsync(body, cancellationToken);
            if (parsed.Event is not { } pushed) return new PushInvalid(parsed.Error!);
            if (pushed.ObjectKind != "push")
                return new PushInvalid(
                    $"object_kind is '{Shown(pushed.ObjectKind)}' but {GitLabDelivery.EventHeader} is '{GitLabDelivery.PushHook}'.");
            if (pushed.Ref.Length > MaxRefLength) return new PushInvalid($"Field ref is longer than {MaxRefLength} characters.");
            // Git refuses control characters in ref names (git check-ref-format), so GitLab never sends one: ours to refuse.
            if (pushed.Ref.Any(char.IsControl) || !PostgresText.IsStorable(pushed.Ref))
                return new PushInvalid("Field ref contains a control character (such as NUL) or invalid UTF-16; Git ref names cannot.");
            (push, projectId, projectPath) = (pushed, pushed.Project.Id, pushed.Project.PathWithNamespace);
        }
        else
        {
            var parsed = await PushEventParser.ParseProjectAsync(body, cancellationToken);
            if (parsed.Event is not { } other) return new PushInvalid(parsed.Error!);
            (projectId, projectPath) = (other.Id, other.PathWithNamespace);
        }
        await body.DrainAsync(cancellationToken);
        var deliveryId = delivery.DeliveryId(() => body.Sha256);

        // Routes may come from memory (WebhookRoutes), a moment behind a change. So only an acceptance is decided on them,
        // and the recording confirms it; a refusal, or a route found changed when recording, is decided afresh.
        for (var attempt = 0; ; attempt++)
        {
            var route = await routes.FindHostsAsync(projectId, projectPath, fresh: attempt > 0, cancellationToken);
            var host = string.IsNullOrEmpty(delivery.Token) ? null
                : route.Hosts.FirstOrDefault(h => h.WebhookTokenHash is { } hash && SecretToken.Matches(delivery.Token, hash));
            if (host is null && route.FromMemory) continue;
            if (host is null)
                return await RefuseOrIgnoreAsync(delivery, deliveryId, route.Hosts, projectId, projectPath, sourceAddress, cancellationToken);

            if (!GitLabInstance.Matches(delivery.Instance, host.ProjectUrl))
                return new PushForbidden($"The delivery comes from the GitLab at {Shown(delivery.Instance)} ({GitLabDelivery.InstanceHeader}), " +
                    $"but host {host.Name} releases a project of {GitLabInstance.Of(host.ProjectUrl!)}.");
            if (host.SigningVersion is { } version && signingKeys.IsConfigured
                && WebhookSignature.Check(signingKeys.KeyFor(host.Id, version), delivery, body.Kept.Span, time.GetUtcNow()) is { } badSignature)
                return new PushUnauthorized(badSignature);

            await throttle.PaceAsync(host.Id, cancellationToken);
            var record = push is null ? OtherEvent(host, delivery, deliveryId) : Push(host, push, delivery, deliveryId);
            if (await RecordAsync(host, record, cancellationToken) is { } outcome) return outcome;
            if (attempt == MaxRouteAttempts)
                throw new InvalidOperationException($"The webhook token of host {host.Id} kept changing while delivery {deliveryId} was recorded.");
            routes.Forget();
        }
    }

    /// <summary>
    /// The token fits no host of the project. The answer is the same whether or not the project has hosts, unless the
    /// token is another host's: then it is a group webhook's push of another project, answered 2xx so that GitLab does not
    /// disable the whole group hook, and logged for that host.
    /// </summary>
    private async Task<PushOutcome> RefuseOrIgnoreAsync(GitLabDelivery delivery, string deliveryId, IReadOnlyList<HostCandidate> projectHosts,
        long projectId, string projectPath, string? sourceAddress, CancellationToken cancellationToken)
    {
        if (throttle.RefusalRetryAfter(sourceAddress) is { } retryAfter)
            return new PushThrottled(retryAfter, $"Too many deliveries with a wrong or missing secret token from this address; " +
                $"retry after {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s.");
        var owner = string.IsNullOrEmpty(delivery.Token) ? null
            : await store.FindHostByTokenAsync(SecretToken.Hash(delivery.Token), cancellationToken);
        if (owner is null)
        {
            var why = string.IsNullOrEmpty(delivery.Token) ? $"no {GitLabDelivery.TokenHeader} header" : "a wrong secret token";
            await AuditRejectedTokenAsync(projectHosts, projectPath, why, sourceAddress, cancellationToken);
            return new PushUnauthorized($"The delivery carried {why}. Set the webhook's secret token to the one the portal showed for the host.");
        }

        var record = Record(owner.Id, delivery, deliveryId, DeliveryStatus.Ignored, IgnoredBecause.OtherProject,
            $"GitLab project {Shown(projectPath)} ({projectId}) is not the project of host {owner.Name} ({owner.ProjectPath}), whose " +
            "secret token this is (a group webhook sends the pushes of every project in the group). Nothing was released.");
        var outcome = await store.RecordAsync(record, owner.TokenHash, cancellationToken);
        return outcome == RecordOutcome.Duplicate
            ? await DuplicateAsync(owner.Id, deliveryId, cancellationToken)
            : new PushIgnored(record.StatusReason!, deliveryId);
    }

    /// <summary>Records the delivery for the host it routes to; null when the host's token changed since its route was read.</summary>
    private async Task<PushOutcome?> RecordAsync(HostCandidate host, PushDelivery record, CancellationToken cancellationToken)
    {
        switch (await store.RecordAsync(record, host.WebhookTokenHash!, cancellationToken))
        {
            case RecordOutcome.Duplicate:
                return await ReopenAsync(host, record, cancellationToken) ?? await DuplicateAsync(host.Id, record.DeliveryId, cancellationToken);
            case RecordOutcome.RouteChanged:
                return null;
        }
        return Outcome(host, record);
    }

    private PushOutcome Outcome(HostCandidate host, PushDelivery record)
    {
        switch (record.Status)
        {
            case DeliveryStatus.Accepted:
                startSignal.PushAccepted(host.CustomerId, host.Id);
                // Debug: the release start that follows is logged, and the delivery itself is a row in the database.
                logger.LogDebug("GitLab delivery {DeliveryId} accepted: release {ReleaseId} of {Commit} to {Environment} of host {HostId}",
                    record.DeliveryId, record.ReleaseId, record.After, record.Environment, host.Id);
                return new PushAccepted(record.DeliveryId, record.ReleaseId!.Value, record.Environment!.Value, record.After,
                    $"Accepted: commit {Short(record.After)} releases to the {Name(record.Environment.Value)} environment of host {host.Name}.");
            case DeliveryStatus.Held:
                logger.LogInformation("GitLab delivery {DeliveryId} for host {HostId} held: {Reason}", record.DeliveryId, host.Id, record.StatusReason);
                return new PushHeld(record.DeliveryId, record.Environment!.Value, record.After, record.StatusReason!);
            default:
                logger.LogInformation("GitLab delivery {DeliveryId} for host {HostId} ignored: {Reason}", record.DeliveryId, host.Id, record.StatusReason);
                return new PushIgnored(record.StatusReason!, record.DeliveryId);
        }
    }

    private PushDelivery OtherEvent(HostCandidate host, GitLabDelivery delivery, string deliveryId) =>
        Record(host.Id, delivery, deliveryId, DeliveryStatus.Ignored, IgnoredBecause.OtherEvent,
            $"'{Shown(delivery.Event)}' events are ignored; only push events ({GitLabDelivery.PushHook}) start releases. " +
            "The webhook needs only \"Push events\".");

    private PushDelivery Push(HostCandidate host, PushEvent push, GitLabDelivery delivery, string deliveryId)
    {
        var (environment, status, because, reason) = PushRouting.Route(host, push);
        var record = Record(host.Id, delivery, deliveryId, status, because, reason);
        record.Environment = environment?.Kind;
        record.Ref = push.Ref;
        record.Before = push.Before;
        record.After = push.After;
        record.CommittedAt = push.HeadCommit?.Timestamp?.ToUniversalTime(); // Npgsql writes UTC only.
        record.CommitAuthors = PushRouting.Authors(push);
        record.UserId = push.UserId is > 0 ? push.UserId : null;
        record.UserUsername = PostgresText.Clip(push.UserUsername, 255);
        record.UserEmail = PushRouting.Email(push.UserEmail);
        record.Message = PostgresText.Clip(push.HeadCommit?.Message, PushRouting.MaxStoredMessageLength);
        record.ReleaseId = status == DeliveryStatus.Accepted ? Guid.CreateVersion7() : null;
        return record;
    }

    private PushDelivery Record(Guid hostId, GitLabDelivery delivery, string deliveryId, DeliveryStatus status, IgnoredBecause? because,
        string? reason) => new()
        {
            Id = Guid.CreateVersion7(), // In time order: inserts land at the end of the primary key's index.
            DeliveryId = deliveryId,
            HostId = hostId,
            Event = PostgresText.ClipNotNull(delivery.Event ?? "", 64),
            Ref = "",
            After = "",
            ReceivedAt = time.GetUtcNow(),
            Status = status,
            IgnoredBecause = because,
            StatusReason = PostgresText.Clip(reason, 2000),
        };

    /// <summary>
    /// A resend (same delivery id) of a push that was ignored because its environment was not Active then: decided
    /// afresh, and if it now releases (or is held), the recorded delivery becomes so, instead of answering "duplicate".
    /// </summary>
    private async Task<PushOutcome?> ReopenAsync(HostCandidate host, PushDelivery resent, CancellationToken cancellationToken)
    {
        if (resent.Status is not (DeliveryStatus.Accepted or DeliveryStatus.Held)) return null;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var reopened = await db.PushDeliveries
            .Where(d => d.HostId == host.Id && d.DeliveryId == resent.DeliveryId && d.Status == DeliveryStatus.Ignored
                && d.IgnoredBecause == IgnoredBecause.EnvironmentNotActive)
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.Status, resent.Status)
                .SetProperty(d => d.IgnoredBecause, (IgnoredBecause?)null)
                .SetProperty(d => d.StatusReason, resent.StatusReason)
                .SetProperty(d => d.Environment, resent.Environment)
                .SetProperty(d => d.ReleaseId, resent.ReleaseId)
                .SetProperty(d => d.Message, resent.Message)
                .SetProperty(d => d.CommittedAt, resent.CommittedAt), cancellationToken);
        if (reopened == 0) return null;
        logger.LogInformation("GitLab delivery {DeliveryId} for host {HostId} resent after its environment became releasable",
            resent.DeliveryId, host.Id);
        return Outcome(host, resent);
    }

    private async Task<PushOutcome> DuplicateAsync(Guid hostId, string deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var earlier = await db.PushDeliveries.AsNoTracking()
            .Where(d => d.HostId == hostId && d.DeliveryId == deliveryId)
            .Select(d => new { d.Status, d.ReleaseId })
            .SingleAsync(cancellationToken);
        logger.LogInformation("GitLab delivery {DeliveryId} for host {HostId} received again; nothing started", deliveryId, hostId);
        return new PushDuplicate(deliveryId, earlier.Status, earlier.ReleaseId,
            $"Delivery {deliveryId} was already received ({earlier.Status.ToString().ToLowerInvariant()}); nothing new was started.");
    }

    private async Task AuditRejectedTokenAsync(IReadOnlyList<HostCandidate> candidates, string projectPath, string why, string? sourceAddress,
        CancellationToken cancellationToken)
    {
        logger.LogWarning("GitLab delivery for project {ProjectPath} from {Source} refused: {Why}", Shown(projectPath), sourceAddress, why);
        var toRecord = candidates.Where(h => rejectedTokenAudit.ShouldRecord(h.Id)).ToList();
        if (toRecord.Count == 0) return; // Already recorded within the window (or no host): a flood of guesses costs no database work.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var host in toRecord)
            db.Record(new Actor(null, "gitlab", PostgresText.Clip(sourceAddress, 64)), AuditActions.WebhookTokenRejected,
                $"A delivery for GitLab project {Shown(projectPath)} carried {why}. " +
                $"Further refusals for this host within {options.RejectedTokenAuditWindow.TotalMinutes:0.#} min are not recorded.",
                host.CustomerId, host.Id);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Text from the delivery as it may be shown in an answer or a log line: storable, and not too long.</summary>
    private static string Shown(string? value) => PostgresText.Clip(value, 200) ?? "";

    private static string Short(string commit) => commit[..Math.Min(12, commit.Length)];

    private static string Name(EnvironmentKind kind) => EnvironmentNames.Of(kind);
}
