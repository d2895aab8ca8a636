using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Views;

namespace Portal.Releases.Approvals;

/// <summary>
/// Every release waiting at a manual approval, across all customers, oldest first, with the pipeline's stages so far
/// and the decisions already taken on the approval. What the operator looking may do is worked out for them (the
/// service enforces it anyway). Never shows the approval token.
/// </summary>
public sealed class PendingApprovals(IDbContextFactory<PortalDbContext> contexts)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    public async Task<ResultPage<PendingApproval>> ListAsync(Guid viewerId, int page = 1, int pageSize = DefaultPageSize,
        CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var waiting = db.Releases.AsNoTracking().Where(r => r.State == ReleaseState.WaitingForApproval);
        var total = await waiting.CountAsync(cancellationToken);
        var rows = await waiting
            .OrderBy(r => r.WaitingSince).ThenBy(r => r.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(r => new
            {
                r.Id,
                r.CommitId,
                r.Branch,
                r.AuthorUserId,
                r.AuthorUsername,
                r.AuthorEmail,
                r.Message,
                r.PushedAt,
                r.WaitingSince,
                r.CreatedAt,
                r.PendingApprovalStage,
                r.PendingApprovalToken,
                Recorded = r.RequiredApprovals,
                r.CustomerApprovalRequired,
                r.HostEnvironment.Host.ApproverEmails,
                Environment = r.HostEnvironment.Kind,
                r.HostEnvironment.HostId,
                HostName = r.HostEnvironment.Host.Name,
                r.HostEnvironment.Host.RequiredApprovals,
                r.HostEnvironment.Host.CustomerId,
                CustomerName = r.HostEnvironment.Host.Customer.Name,
                CustomerSlug = r.HostEnvironment.Host.Customer.Slug,
            })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) return new ResultPage<PendingApproval>([], total, page, pageSize);

        var ids = rows.Select(r => r.Id).ToList();
        var stages = (await db.ReleaseStages.AsNoTracking().Where(s => ids.Contains(s.ReleaseId))
                .Select(s => new { s.ReleaseId, s.Name, s.Order, s.Status, s.Summary, s.LastChangedAt }).ToListAsync(cancellationToken))
            .ToLookup(s => s.ReleaseId);
        var decisions = (await db.ApprovalDecisions.AsNoTracking().Where(d => ids.Contains(d.ReleaseId))
                .Select(d => new { d.ReleaseId, d.ApprovalTokenHash, d.OperatorId, OperatorName = d.Operator.Email ?? d.Operator.UserName ?? "", d.Outcome, d.Comment, d.DecidedAt, d.CustomerStep })
                .ToListAsync(cancellationToken))
            .ToLookup(d => d.ReleaseId);
        var viewerGitLabId = await db.GitLabIdentities.Where(i => i.UserId == viewerId).Select(i => (long?)i.GitLabUserId)
            .SingleOrDefaultAsync(cancellationToken);

        var items = rows.Select(r =>
        {
            var current = r.PendingApprovalToken is null ? null : ApprovalRules.TokenHash(r.PendingApprovalToken);
            var taken = decisions[r.Id].Where(d => d.ApprovalTokenHash == current).OrderBy(d => d.DecidedAt)
                .Select(d => new DecisionView(d.OperatorName, d.Outcome, d.Comment, d.DecidedAt, d.OperatorId == viewerId, d.CustomerStep)).ToList();
            var count = ApprovalRules.Count(taken.Select(d => (d.CustomerStep ? ApprovalStep.Customer : ApprovalStep.Operators, d.Outcome)),
                ApprovalRules.RequiredFor(r.Recorded, r.Environment, r.RequiredApprovals), r.CustomerApprovalRequired);
            return new PendingApproval(
                r.Id, r.CustomerId, r.CustomerName, r.CustomerSlug, r.HostId, r.HostName, EnvironmentNames.Of(r.Environment),
                r.CommitId, r.Branch, r.AuthorUsername, r.AuthorEmail, r.Message, r.PushedAt, r.WaitingSince ?? r.CreatedAt,
                r.PendingApprovalStage,
                stages[r.Id].OrderBy(s => s.Order).Select(s => new StageView(s.Name, s.Status, s.Summary, s.LastChangedAt)).ToList(),
                taken,
                count.RequiredApprovals,
                count.OperatorApprovals,
                ApprovalRules.PushedBy(r.AuthorUserId, viewerGitLabId),
                taken.Any(d => d.Mine),
                ApprovalRules.ApprovalRefusal(r.Environment, r.AuthorUserId, r.AuthorUsername, viewerGitLabId),
                r.CustomerApprovalRequired,
                count.CustomerApproved,
                r.ApproverEmails.Select(e => e.Trim()).ToList());
        }).ToList();
        return new ResultPage<PendingApproval>(items, total, page, pageSize);
    }
}

/// <summary>One release waiting at a manual approval, as operators see it.</summary>
public sealed record PendingApproval(
    Guid ReleaseId,
    Guid CustomerId,
    string CustomerName,
    string CustomerSlug,
    Guid HostId,
    string HostName,
    string Environment,
    string CommitId,
    string Branch,
    string? AuthorUsername,
    string? AuthorEmail,
    string? Message,
    DateTimeOffset PushedAt,
    DateTimeOffset WaitingSince,
    string? ApprovalStage,
    IReadOnlyList<StageView> Stages,
    IReadOnlyList<DecisionView> Decisions,
    int RequiredApprovals,
    int Approvals,
    // The operator looking pushed the commit: they may reject it but not approve it.
    bool PushedByYou,
    // The operator looking has already decided on this approval.
    bool DecidedByYou,
    // Why the operator looking may not approve it (their own push, no verified GitLab identity...), or null.
    string? ApprovalRefusal,
    // Its wait needs one approval from the customer's approvers too (recorded when it started waiting).
    bool CustomerApprovalRequired,
    bool CustomerApproved,
    // The host's approver e-mails now (who may take the customer's step).
    IReadOnlyList<string> CustomerApprovers)
{
    /// <summary>The customer's step is open: an operator may still approve (recorded, not sent) or reject.</summary>
    public bool WaitingForCustomer => CustomerApprovalRequired && !CustomerApproved;
}

public sealed record StageView(string Name, string Status, string? Summary, DateTimeOffset? LastChangedAt);

/// <summary>A decision taken on the approval; <paramref name="CustomerStep"/>: by a customer approver (<paramref name="Operator"/> names them).</summary>
public sealed record DecisionView(string Operator, ApprovalOutcome Outcome, string Comment, DateTimeOffset DecidedAt, bool Mine, bool CustomerStep = false);
