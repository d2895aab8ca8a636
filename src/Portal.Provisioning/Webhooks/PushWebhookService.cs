using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.Provisioning.GitLab;
using Portal.Provisioning.Releases;

namespace Portal.Provisioning.Webhooks;

/// <summary>
/// Receives GitLab push deliveries: finds the host and environment, checks the token, and records the delivery, which is
/// also its release's queue entry (one row, one statement). It never calls AWS: the release starters make the release
/// and start it (and after a crash, pick it up again), so the answer to GitLab is fast and an accepted push is never
/// lost. A singleton: the accepted path touches only <see cref="WebhookRoutes"/> and <see cref="WebhookStore"/>; a
/// DbContext is made only for the rare duplicate or refusal.
/// </summary>
public sealed class PushWebhookService(
    IDbContextFactory<PortalDbContext> contexts,
    WebhookStore store,
    WebhookRoutes routes,
    RejectedTokenAudit rejectedTokenAudit,
    GitLabWebhookOptions options,
    ReleaseStartSignal startSignal,
    TimeProvider time,
    ILogger<PushWebhookService> logger)
{
    private const int MaxRefLength = 300;
    private const int MaxRouteAttempts = 3;
    private const int MaxStoredMessageLength = 10_000;

    /// <summary>GitLab's value for the e-mail of a user who keeps it private.</summary>
    private const string RedactedEmail = "[REDACTED]";

    public async Task<PushOutcome> ReceiveAsync(GitLabDelivery delivery, ReadOnlyMemory<byte> body, string? sourceAddress,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(delivery.Event))
            return new PushInvalid($"The {GitLabDelivery.EventHeader} header is missing; GitLab sends it with every webhook.");
        if (!delivery.IsPush)
            return new PushIgnored($"'{delivery.Event}' events are ignored; only push events ({GitLabDelivery.PushHook}) start releases.");

        var parsed = PushEventParser.Parse(body.Span);
        if (parsed.Event is not { } push) return new PushInvalid(parsed.Error!);
        if (push.ObjectKind != "push")
            return new PushInvalid($"object_kind is '{push.ObjectKind}' but {GitLabDelivery.EventHeader} is '{GitLabDelivery.PushHook}'.");
        if (push.Ref.Length > MaxRefLength) return new PushInvalid($"Field ref is longer than {MaxRefLength} characters.");

        var deliveryId = delivery.DeliveryId(body.Span);
        // Routes may come from memory (WebhookRoutes), a moment behind a change. So only an acceptance is decided on them,
        // and the recording confirms it; a refusal, or a route found changed when recording, is decided afresh.
        for (var attempt = 0; ; attempt++)
        {
            var route = await routes.FindHostsAsync(push.Project.Id, push.Project.PathWithNamespace, fresh: attempt > 0, cancellationToken);
            if (route.Hosts.Count == 0)
                return new PushUnknownProject(
                    $"No host releases GitLab project {push.Project.Id} ({push.Project.PathWithNamespace}). Check the project of the host's order.");

            var host = string.IsNullOrEmpty(delivery.Token) ? null
                : route.Hosts.FirstOrDefault(h => h.WebhookTokenHash is { } hash && SecretToken.Matches(delivery.Token, hash));
            if (host is null && route.FromMemory) continue;
            if (host is null)
            {
                var why = string.IsNullOrEmpty(delivery.Token) ? $"no {GitLabDelivery.TokenHeader} header" : "a wrong secret token";
                await AuditRejectedTokenAsync(route.Hosts, push, why, sourceAddress, cancellationToken);
                return new PushUnauthorized(
                    $"The delivery carried {why}. Set the webhook's secret token to the one the portal showed for this host.");
            }

            if (await RecordAsync(host, push, deliveryId, cancellationToken) is { } outcome) return outcome;
            if (attempt == MaxRouteAttempts)
                throw new InvalidOperationException($"The webhook token of host {host.Id} kept changing while delivery {deliveryId} was recorded.");
            routes.Forget();
        }
    }

    /// <summary>Records the push for the host it routes to; null when the host's token changed since its route was read.</summary>
    private async Task<PushOutcome?> RecordAsync(HostCandidate host, PushEvent push, string deliveryId, CancellationToken cancellationToken)
    {
        var (environment, ignoredBecause) = Route(host, push);
        var accepted = environment is not null && ignoredBecause is null;
        var record = new PushDelivery
        {
            Id = Guid.CreateVersion7(), // In time order: inserts land at the end of the primary key's index.
            DeliveryId = deliveryId,
            HostId = host.Id,
            Environment = environment?.Kind,
            Ref = push.Ref,
            After = push.After,
            UserUsername = Clip(push.UserUsername, 255),
            UserEmail = Email(push.UserEmail),
            Message = accepted ? Clip(push.HeadCommit?.Message, MaxStoredMessageLength) : null,
            ReleaseId = accepted ? Guid.CreateVersion7() : null,
            ReceivedAt = time.GetUtcNow(),
            Status = accepted ? DeliveryStatus.Accepted : DeliveryStatus.Ignored,
            StatusReason = ignoredBecause,
        };
        switch (await store.RecordAsync(record, host.WebhookTokenHash!, cancellationToken))
        {
            case RecordOutcome.Duplicate:
                return await DuplicateAsync(host.Id, deliveryId, cancellationToken);
            case RecordOutcome.RouteChanged:
                return null;
        }

        if (!accepted)
        {
            logger.LogInformation("GitLab delivery {DeliveryId} for host {HostId} ignored: {Reason}", deliveryId, host.Id, ignoredBecause);
            return new PushIgnored(ignoredBecause!);
        }
        startSignal.Notify();
        // Debug: the release start that follows is logged, and the delivery itself is a row in the database.
        logger.LogDebug("GitLab delivery {DeliveryId} accepted: release {ReleaseId} of {Commit} to {Environment} of host {HostId}",
            deliveryId, record.ReleaseId, push.After, environment!.Kind, host.Id);
        return new PushAccepted(deliveryId, record.ReleaseId!.Value, environment.Kind, push.After,
            $"Accepted: commit {push.After[..Math.Min(12, push.After.Length)]} releases to the {Name(environment.Kind)} environment of host {host.Name}.");
    }

    /// <summary>The environment a push releases to, or why it releases nothing.</summary>
    private static (EnvironmentCandidate? Environment, string? IgnoredBecause) Route(HostCandidate host, PushEvent push)
    {
        if (push.Branch is not { } branch)
            return (null, $"{push.Ref} is not a branch; only pushes to branches start releases.");
        if (push.IsBranchDeletion)
            return (null, $"Branch {branch} was deleted; there is nothing to release.");
        var environment = host.Environments.FirstOrDefault(e => e.Branch == branch);
        if (environment is null)
        {
            var mapped = string.Join(", ", host.Environments.OrderBy(e => e.Kind).Select(e => $"{e.Branch} → {Name(e.Kind)}"));
            return (null, $"Branch {branch} maps to no environment of host {host.Name}" + (mapped.Length > 0 ? $" ({mapped})." : "."));
        }
        if (!IsReleasable(host.State) || !IsReleasable(environment.State) || string.IsNullOrEmpty(environment.PipelineName))
        {
            var state = IsReleasable(host.State) ? environment.State.ToString() : host.State.ToString();
            return (environment, $"The {Name(environment.Kind)} environment of host {host.Name} is {state}, not Active; " +
                "pushes release once it is Active. This push was not released.");
        }
        return (environment, null);
    }

    private static bool IsReleasable(HostState state) => state is HostState.Active or HostState.Updating;

    private static bool IsReleasable(EnvironmentState state) => state is EnvironmentState.Active or EnvironmentState.Updating;

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

    private async Task AuditRejectedTokenAsync(IReadOnlyList<HostCandidate> candidates, PushEvent push, string why, string? sourceAddress,
        CancellationToken cancellationToken)
    {
        logger.LogWarning("GitLab delivery for project {ProjectId} from {Source} refused: {Why}", push.Project.Id, sourceAddress, why);
        var toRecord = candidates.Where(h => rejectedTokenAudit.ShouldRecord(h.Id)).ToList();
        if (toRecord.Count == 0) return; // Already recorded within the window: a flood of guesses costs no database work.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var host in toRecord)
            db.Record(new Actor(null, "gitlab", Clip(sourceAddress, 64)), "webhook.token-rejected",
                $"A push delivery for GitLab project {push.Project.PathWithNamespace} carried {why}. " +
                $"Further refusals for this host within {options.RejectedTokenAuditWindow.TotalMinutes:0.#} min are not recorded.",
                host.CustomerId, host.Id);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string? Email(string? email) =>
        string.IsNullOrWhiteSpace(email) || email == RedactedEmail ? null : Clip(email, 320);

    private static string? Clip(string? value, int length) =>
        value is null || value.Length <= length ? value : value[..length];

    private static string Name(EnvironmentKind kind) => kind.ToString().ToLowerInvariant();
}
