using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;

namespace Portal.Releases.Approvals;

/// <summary>
/// How many different operators must approve a host's production releases (1 or 2). Raising the rule applies at once;
/// lowering it is a proposal that a second operator confirms (or anyone withdraws), so one operator alone can never
/// lower it and then approve alone. Either way a release keeps the count it started waiting under
/// (<see cref="Release.RequiredApprovals"/>): a change applies to waits that start after it. Every step is audited.
/// </summary>
public sealed class ApprovalSettings(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public const string RequiredApprovalsField = "requiredApprovals";

    /// <summary>The host's rule and the lowering waiting for a second operator, if any; null when there is no such host.</summary>
    public async Task<ApprovalRuleView?> RuleAsync(Guid hostId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var required = await db.Hosts.Where(h => h.Id == hostId).Select(h => (int?)h.RequiredApprovals).SingleOrDefaultAsync(cancellationToken);
        if (required is null) return null;
        var proposal = await db.ApprovalRuleChanges.AsNoTracking().Where(c => c.HostId == hostId && c.State == RuleChangeState.Proposed)
            .Select(c => new RuleProposalView(c.Id, c.From, c.To, c.ProposedById, c.ProposedBy.Email ?? c.ProposedBy.UserName ?? "an operator", c.ProposedAt))
            .SingleOrDefaultAsync(cancellationToken);
        return new ApprovalRuleView(required.Value, proposal);
    }

    /// <summary>Raises the rule at once, or proposes to lower it.</summary>
    public async Task<ActionResult> SetRequiredApprovalsAsync(Guid hostId, int required, Actor actor, CancellationToken cancellationToken = default)
    {
        var operatorId = RequireOperator(actor);
        if (required is < 1 or > 2) return ActionResult.Invalid(RequiredApprovalsField, "Production releases need 1 or 2 approvals.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.Id == hostId, cancellationToken);
        if (host is null) return ActionResult.NotFound("There is no such host.");
        var open = await OpenProposalAsync(db, hostId, cancellationToken);
        var now = time.GetUtcNow();
        var before = host.RequiredApprovals;
        ActionResult result;
        if (required > before)
        {
            // Raising needs nobody's confirmation, and any lowering still waiting for one is overtaken.
            open?.Withdraw(operatorId, now);
            host.RequiredApprovals = required;
            host.UpdatedAt = now;
            db.Record(actor, AuditActions.HostRequiredApprovalsSet,
                $"Production releases need {Approvals(required)} (was {before}); releases already waiting keep their count.", host.CustomerId, host.Id);
            result = ActionResult.Done($"Production releases now need {Approvals(required)}. Releases already waiting keep the count they started with.");
        }
        else if (required == before)
            return ActionResult.Done($"Production releases already need {Approvals(required)}.");
        else if (open is not null)
            return open.To == required
                ? ActionResult.Conflict($"Lowering to {Approvals(required)} was already proposed by {await NameAsync(db, open.ProposedById, cancellationToken)}; " +
                    "another operator must confirm it.")
                : ActionResult.Conflict("Another change of this rule waits for confirmation; confirm or withdraw it first.");
        else
        {
            db.ApprovalRuleChanges.Add(new ApprovalRuleChange { HostId = hostId, From = before, To = required, ProposedById = operatorId, ProposedAt = now });
            db.Record(actor, AuditActions.HostRequiredApprovalsProposed,
                $"Proposed: production releases need {Approvals(required)} (now {before}). Waits for a second operator.", host.CustomerId, host.Id);
            result = ActionResult.Done($"Proposed: production releases need {Approvals(required)}. It applies once another operator confirms it, " +
                "and only to releases that start waiting after that.");
        }
        return await SaveAsync(db, result, cancellationToken);
    }

    /// <summary>A second operator confirms the lowering that waits; its proposer cannot.</summary>
    public async Task<ActionResult> ConfirmAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        var operatorId = RequireOperator(actor);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (host, open, missing) = await ProposalAsync(db, hostId, cancellationToken);
        if (missing is not null) return missing;
        var now = time.GetUtcNow();
        if (!open.CanBeConfirmedBy(operatorId))
        {
            db.Record(actor, AuditActions.HostRequiredApprovalsRefused,
                $"Refused: the operator who proposed {Approvals(open.To)} tried to confirm it themselves.", host.CustomerId, host.Id);
            await db.SaveChangesAsync(cancellationToken);
            return ActionResult.Conflict("You proposed this change: another operator must confirm it.");
        }
        if (host.RequiredApprovals != open.From)
        {
            open.Withdraw(operatorId, now);
            await SaveAsync(db, ActionResult.Done(""), cancellationToken);
            return ActionResult.Conflict("The rule changed since this was proposed, so the proposal was withdrawn; propose again if still wanted.");
        }
        open.Confirm(operatorId, now);
        host.RequiredApprovals = open.To;
        host.UpdatedAt = now;
        var proposer = await NameAsync(db, open.ProposedById, cancellationToken);
        db.Record(actor, AuditActions.HostRequiredApprovalsSet,
            $"Production releases need {Approvals(open.To)} (was {open.From}): proposed by {proposer}, confirmed by {actor.Name}; " +
            "releases already waiting keep their count.", host.CustomerId, host.Id);
        return await SaveAsync(db, ActionResult.Done($"Confirmed: production releases now need {Approvals(open.To)}. " +
            "Releases already waiting keep the count they started with."), cancellationToken);
    }

    /// <summary>The proposer withdraws the lowering, or another operator turns it down.</summary>
    public async Task<ActionResult> WithdrawAsync(Guid hostId, Actor actor, CancellationToken cancellationToken = default)
    {
        var operatorId = RequireOperator(actor);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (host, open, missing) = await ProposalAsync(db, hostId, cancellationToken);
        if (missing is not null) return missing;
        open.Withdraw(operatorId, time.GetUtcNow());
        db.Record(actor, AuditActions.HostRequiredApprovalsWithdrawn,
            $"Withdrawn: the proposal to need {Approvals(open.To)} (the rule stays {Approvals(open.From)}).", host.CustomerId, host.Id);
        return await SaveAsync(db, ActionResult.Done($"Withdrawn: production releases still need {Approvals(host.RequiredApprovals)}."), cancellationToken);
    }

    /// <summary>The host and its open proposal, or the answer saying which of the two is missing.</summary>
    private static async Task<(Host Host, ApprovalRuleChange Open, ActionResult? Missing)> ProposalAsync(PortalDbContext db, Guid hostId,
        CancellationToken cancellationToken)
    {
        var host = await db.Hosts.SingleOrDefaultAsync(h => h.Id == hostId, cancellationToken);
        if (host is null) return (null!, null!, ActionResult.NotFound("There is no such host."));
        var open = await OpenProposalAsync(db, hostId, cancellationToken);
        return open is null ? (host, null!, ActionResult.NotFound("No change of this host's approvals waits for confirmation.")) : (host, open, null);
    }

    private static Task<ApprovalRuleChange?> OpenProposalAsync(PortalDbContext db, Guid hostId, CancellationToken cancellationToken) =>
        db.ApprovalRuleChanges.SingleOrDefaultAsync(c => c.HostId == hostId && c.State == RuleChangeState.Proposed, cancellationToken);

    private static async Task<string> NameAsync(PortalDbContext db, Guid userId, CancellationToken cancellationToken) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.Email ?? u.UserName).SingleOrDefaultAsync(cancellationToken) ?? "an operator";

    private static async Task<ActionResult> SaveAsync(PortalDbContext db, ActionResult result, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return result;
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.IsUniqueViolation())
        {
            return ActionResult.Conflict("The host's approval rule changed meanwhile; look again.");
        }
    }

    private static Guid RequireOperator(Actor actor) =>
        actor.UserId ?? throw new ArgumentException("Only a signed-in operator changes approval rules.", nameof(actor));

    private static string Approvals(int count) => count == 1 ? "one approval" : $"{count} approvals from different operators";
}

public sealed record ApprovalRuleView(int RequiredApprovals, RuleProposalView? Proposal);

public sealed record RuleProposalView(Guid Id, int From, int To, Guid ProposedById, string ProposedBy, DateTimeOffset ProposedAt);
