using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Data.Security;
using Portal.GitLab;
using Portal.Provisioning.Orders;

namespace Portal.Provisioning.Hosts;

/// <summary>
/// The customer replaces the GitLab token of a host (it expired, was revoked, or now has the api scope). The new token
/// is checked against the host's own project (by id, so a renamed project is still found), stored in the host's secret,
/// and the portal's webhook is synced again when the portal manages it.
/// </summary>
public sealed class HostGitLabSettings(IDbContextFactory<PortalDbContext> contexts, GitLabAccessCheck access, GitLabTokenVault vault, TimeProvider clock)
{
    public async Task<ActionResult> ReplaceTokenAsync(Actor actor, Guid customerId, string name, string? token, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.Named(customerId, name).Include(h => h.Customer).FirstOrDefaultAsync(cancellationToken);
        if (host is null) return ActionResult.NotFound($"You have no host named '{name}'.");
        if (host.State is HostState.Decommissioning or HostState.Decommissioned) return ActionResult.Conflict($"The host is {host.State}.");

        var project = host.GitLab.ProjectId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? host.GitLab.PathWithNamespace;
        var checkedAccess = await access.CheckAsync(token, project, cancellationToken);
        switch (checkedAccess)
        {
            case GitLabAccess.Refused refused:
                return ActionResult.Invalid(HostOrderFields.GitLabToken, refused.Message);
            case GitLabAccess.Unavailable unavailable:
                return ActionResult.Unavailable(unavailable.Message);
        }
        var granted = (GitLabAccess.Granted)checkedAccess;
        if (host.GitLab.ProjectId is { } known && granted.Project.Id != known)
            return ActionResult.Invalid(HostOrderFields.GitLabToken, $"The token is for another project than the host's ({host.GitLab.PathWithNamespace}).");

        var clear = token!.Trim();
        string? newWebhookToken = null;
        if (host.GitLab.TokenSecretArn is { } secretArn)
        {
            var secret = await vault.ReadAsync(secretArn, cancellationToken);
            await vault.PutAsync(secretArn, secret with { Token = clear }, cancellationToken);
        }
        else
        {
            // A host from before the portal kept tokens: its webhook token's clear text is unknown, so a managed hook gets a new one.
            newWebhookToken = granted.Automates ? SecretToken.Generate(HostWebhook.TokenPrefix) : null;
            host.GitLab.TokenSecretArn = await vault.CreateAsync(host.Customer.Slug, host.Name, host.Id, new HostGitLabSecret(clear, newWebhookToken), cancellationToken);
            if (newWebhookToken is not null) host.WebhookTokenHash = SecretToken.Hash(newWebhookToken);
        }
        host.GitLab.ProjectId = granted.Project.Id;
        host.GitLab.DefaultBranch = granted.Project.DefaultBranch;
        host.GitLab.Automates = granted.Automates;
        host.GitLab.ManualReason = granted.ManualReason;
        host.GitLab.HookChanged();
        host.UpdatedAt = clock.GetUtcNow();
        db.Record(actor, AuditActions.HostGitLabTokenReplaced,
            granted.Automates ? "The portal manages the webhook and commit statuses." : granted.ManualReason, host.CustomerId, host.Id);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ActionResult.Conflict("The host changed meanwhile; try again.");
        }
        return ActionResult.Done(granted.Automates
            ? "Token replaced: the portal keeps the project's webhook and commit statuses up to date."
            : $"Token replaced. {granted.ManualReason}");
    }
}
