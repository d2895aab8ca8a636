using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.GitLab;

namespace Portal.Provisioning.GitLab;

/// <summary>
/// Makes each host's project hook in GitLab match the host, for hosts whose token lets the portal manage it (api scope,
/// Maintainer): the portal's URL, the host's secret token, push events only, SSL verification on, and a branch filter
/// of exactly the mapped branches. A host marks itself due (<see cref="GitLabProject.HookDue"/>) when any of these
/// changes: ordered, webhook token regenerated, branches edited, GitLab token replaced, decommissioned. A hook the portal
/// lost track of (a crash after GitLab created it) is found again (its URL and the host's id in its description) rather
/// than added twice; another host's hook on the same project is left alone. A decommissioned
/// host's hook is removed and its token secret deleted.
/// </summary>
public sealed class GitLabHookSync(IDbContextFactory<PortalDbContext> contexts, GitLabClient gitlab, GitLabTokenVault vault, IPortalAddress portal,
    TimeProvider clock, ILogger<GitLabHookSync> logger)
{
    public const int BatchSize = 50;
    private const int SaveAttempts = 5;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Syncs the hosts that are due; returns how many it looked at.</summary>
    public async Task<int> SyncDueAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var now = clock.GetUtcNow();
            due = await db.Hosts.Where(h => h.GitLab.HookDue && (h.GitLab.HookNextAttemptAt == null || h.GitLab.HookNextAttemptAt <= now))
                .OrderBy(h => h.GitLab.HookNextAttemptAt).Select(h => h.Id).Take(BatchSize).ToListAsync(cancellationToken);
        }
        foreach (var hostId in due) await SyncAsync(hostId, cancellationToken);
        return due.Count;
    }

    public async Task SyncAsync(Guid hostId, CancellationToken cancellationToken)
    {
        Host? host;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            host = await db.Hosts.AsNoTracking().Include(h => h.Environments).FirstOrDefaultAsync(h => h.Id == hostId, cancellationToken);
        if (host is null) return;
        Action<Host> outcome;
        try
        {
            outcome = host.State is HostState.Decommissioning or HostState.Decommissioned
                ? await RetireAsync(host, cancellationToken)
                : await MatchAsync(host, cancellationToken);
        }
        catch (GitLabException e)
        {
            logger.LogWarning("Syncing the GitLab hook of host {HostId} failed: {Message}", hostId, e.Message);
            var retryAt = e.Retryable ? clock.GetUtcNow() + RetryDelay : (DateTimeOffset?)null;
            var status = e.Retryable ? $"GitLab did not answer ({e.Message}); trying again shortly." : Refusal(e);
            outcome = h => h.GitLab.HookSyncFailed(status, retryAt);
        }
        catch (Aws.AwsException e) when (e.Retryable)
        {
            var retryAt = clock.GetUtcNow() + RetryDelay;
            outcome = h => h.GitLab.HookSyncFailed($"The host's GitLab token could not be read from Secrets Manager ({e.Code}); trying again shortly.", retryAt);
        }
        await SaveAsync(hostId, Inputs(host), outcome, cancellationToken);
    }

    /// <summary>What the hook follows; when it changed while GitLab was being called, the host stays due.</summary>
    private static string Inputs(Host host) => string.Join('|', host.State, host.WebhookTokenHash, host.GitLab.Automates, host.GitLab.TokenSecretArn,
        string.Join(',', HookBranches(host).Order(StringComparer.Ordinal)));

    /// <summary>The branches the hook sends pushes of: every live environment's but one being removed.</summary>
    private static IEnumerable<string> HookBranches(Host host) =>
        host.LiveEnvironments().Where(e => e.State != EnvironmentState.Decommissioning).Select(e => e.Branch);

    private async Task<Action<Host>> MatchAsync(Host host, CancellationToken cancellationToken)
    {
        var gitLab = host.GitLab;
        if (!gitLab.Automates || gitLab.ProjectId is not { } projectId || gitLab.TokenSecretArn is not { } secretArn)
            return h => h.GitLab.HookSynced(h.GitLab.HookId, $"The portal does not manage this project's webhook: {gitLab.ManualReason ?? "no token allows it"}");
        var secret = await vault.ReadAsync(secretArn, cancellationToken);
        if (secret.WebhookToken is not { } webhookToken)
            return h => h.GitLab.HookSyncFailed("The webhook's secret token is not known to the portal: regenerate it.", null);

        var desired = new PortalHookSettings(HostWebhook.Url(portal.BaseUrl.ToString()), webhookToken, HookBranches(host).ToList(),
            host.Name, host.Id);
        GitLabHook hook;
        if (gitLab.HookId is { } hookId && await UpdateAsync(secret.Token, projectId, hookId, desired, cancellationToken) is { } updated)
            hook = updated;
        else if ((await gitlab.HooksAsync(secret.Token, projectId, cancellationToken)).FirstOrDefault(desired.Owns) is { } found)
            hook = await gitlab.UpdateHookAsync(secret.Token, projectId, found.Id, desired, cancellationToken);
        else
            hook = await gitlab.CreateHookAsync(secret.Token, projectId, desired, cancellationToken);
        if (!desired.IsMatchedBy(hook))
            throw new GitLabRefusedException(200, null, $"GitLab kept hook {hook.Id} unlike what the portal asked for (filter '{hook.PushEventsBranchFilter}').");
        var status = $"Registered as hook {hook.Id.ToString(CultureInfo.InvariantCulture)}: push events of {string.Join(", ", desired.Branches.Order())} to {desired.Url}.";
        logger.LogInformation("GitLab hook {HookId} of host {HostId} is in sync.", hook.Id, host.Id);
        return h => h.GitLab.HookSynced(hook.Id, status);
    }

    /// <summary>The hook, updated; null when GitLab no longer has it (someone deleted it).</summary>
    private async Task<GitLabHook?> UpdateAsync(string token, long projectId, long hookId, PortalHookSettings desired, CancellationToken cancellationToken)
    {
        try
        {
            return await gitlab.UpdateHookAsync(token, projectId, hookId, desired, cancellationToken);
        }
        catch (GitLabNotFoundException)
        {
            return null;
        }
    }

    private async Task<Action<Host>> RetireAsync(Host host, CancellationToken cancellationToken)
    {
        var gitLab = host.GitLab;
        if (gitLab.TokenSecretArn is not { } secretArn) return h => h.GitLab.HookSynced(null, "The host is gone; the portal keeps no GitLab token for it.");
        if (gitLab.HookId is { } hookId && gitLab.ProjectId is { } projectId)
        {
            var secret = await vault.ReadAsync(secretArn, cancellationToken);
            try
            {
                await gitlab.DeleteHookAsync(secret.Token, projectId, hookId, cancellationToken);
            }
            catch (GitLabNotFoundException)
            {
                // Already gone.
            }
        }
        if (host.State != HostState.Decommissioned)
            return h => h.GitLab.HookSynced(null, "Webhook removed: the host is being decommissioned.");
        await vault.DeleteAsync(secretArn, cancellationToken);
        return h =>
        {
            h.GitLab.HookSynced(null, "Webhook removed and the GitLab token deleted: the host is decommissioned.");
            h.GitLab.TokenSecretArn = null;
        };
    }

    private static string Refusal(GitLabException e) => e switch
    {
        GitLabUnauthorizedException => "GitLab no longer accepts the host's token (expired or revoked): replace it on the host's page.",
        GitLabForbiddenException => "The host's token may no longer manage the project's webhooks (it needs the api scope and the Maintainer role): replace it.",
        GitLabNotFoundException => "GitLab no longer shows the host's project to its token.",
        _ => $"GitLab refused the portal's webhook: {e.GitLabMessage ?? e.Message}. The portal's address (GitLab:PortalUrl) must be one GitLab accepts and reaches.",
    };

    /// <summary>Records the outcome on the host as it is now (the jobs change hosts meanwhile: a conflict reloads and applies it again).</summary>
    private async Task SaveAsync(Guid hostId, string inputs, Action<Host> outcome, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var host = await db.Hosts.Include(h => h.Environments).FirstOrDefaultAsync(h => h.Id == hostId, cancellationToken);
            if (host is null) return;
            var hookBefore = host.GitLab.HookId;
            outcome(host);
            if (Inputs(host) != inputs) host.GitLab.HookChanged();
            if (host.GitLab.HookId != hookBefore)
                db.Record(Actor.System, AuditActions.HostGitLabHookSynced, host.GitLab.HookStatus, host.CustomerId, host.Id);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < SaveAttempts)
            {
            }
        }
    }
}
