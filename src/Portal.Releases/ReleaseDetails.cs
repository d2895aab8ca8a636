using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Aws.CodePipeline;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Releases.Approvals;

namespace Portal.Releases;

/// <summary>
/// One release as its page shows it: the commit, the stages with their start and duration, the approvals, the site it
/// deploys to and the earlier successful releases it may roll back to. A customer reads only their own host's releases
/// (another customer's id is not found); an operator (no customer) reads any.
/// </summary>
public sealed class ReleaseDetailsReader(IDbContextFactory<PortalDbContext> contexts, IPipelines pipelines, ILogger<ReleaseDetailsReader> logger)
{
    /// <summary>Earlier successful releases offered for a roll-back.</summary>
    public const int RollbackChoices = 10;

    /// <summary>GitLab's "no commit" (a branch's first push names it as before).</summary>
    private const string NoCommit = "0000000000000000000000000000000000000000";

    /// <param name="viewerId">The person reading: whether they are one of the host's customer approvers is worked out for them.</param>
    public async Task<ReleaseDetails?> GetAsync(Guid? customerId, Guid releaseId, Guid? viewerId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Releases.AsNoTracking()
            .Where(r => r.Id == releaseId && (customerId == null || r.HostEnvironment.Host.CustomerId == customerId))
            .Select(r => new
            {
                Release = r,
                r.HostEnvironment.HostId,
                HostName = r.HostEnvironment.Host.Name,
                r.HostEnvironment.Host.CustomerId,
                r.HostEnvironment.Host.ApproverEmails,
                HostRequiredApprovals = r.HostEnvironment.Host.RequiredApprovals,
                CustomerName = r.HostEnvironment.Host.Customer.Name,
                HostState = r.HostEnvironment.Host.State,
                r.HostEnvironment.Kind,
                EnvironmentState = r.HostEnvironment.State,
                NeedsApproval = r.HostEnvironment.Kind == EnvironmentKind.Production || r.HostEnvironment.RequiresApproval,
                r.HostEnvironment.PipelineName,
                r.HostEnvironment.Outputs,
                GitLabUrl = r.HostEnvironment.Host.GitLab.HttpUrl,
                Before = r.PushDelivery == null ? null : r.PushDelivery.Before,
                Authors = r.PushDelivery == null ? null : r.PushDelivery.CommitAuthors,
                Stages = r.Stages.OrderBy(s => s.Order).Select(s => new { s.Name, s.Status, s.Summary, s.LastChangedAt }).ToList(),
                Decisions = r.Decisions.OrderBy(d => d.DecidedAt)
                    .Select(d => new
                    {
                        View = new ApprovalView(d.Operator.Email ?? d.OperatorId.ToString(), d.Outcome, d.Comment, d.DecidedAt, d.SentToAws, d.CustomerStep),
                        d.ApprovalTokenHash,
                    }).ToList(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null) return null;
        var release = row.Release;
        var viewer = viewerId is null ? null
            : await db.Users.AsNoTracking().Where(u => u.Id == viewerId).Select(u => new { u.CustomerId, u.Email, u.EmailConfirmed }).SingleOrDefaultAsync(cancellationToken);
        var currentToken = release.PendingApprovalToken is { } token ? ApprovalRules.TokenHash(token) : null;
        var count = ApprovalRules.Count(
            row.Decisions.Where(d => d.ApprovalTokenHash == currentToken).Select(d => (d.View.CustomerStep ? ApprovalStep.Customer : ApprovalStep.Operators, d.View.Outcome)),
            ApprovalRules.RequiredFor(release.RequiredApprovals, row.Kind, row.HostRequiredApprovals), release.CustomerApprovalRequired);

        var earlier = await db.Releases.AsNoTracking()
            .Where(r => r.HostEnvironmentId == release.HostEnvironmentId && r.State == ReleaseState.Succeeded && r.CreatedAt < release.CreatedAt)
            .OrderByDescending(r => r.CreatedAt)
            .Take(RollbackChoices)
            .Select(r => new EarlierRelease(r.Id, r.CommitId, r.Message, r.CreatedAt, r.SourceVersionId != null))
            .ToListAsync(cancellationToken);
        var newerSucceeded = await db.Releases.AsNoTracking()
            .AnyAsync(r => r.HostEnvironmentId == release.HostEnvironmentId && r.State == ReleaseState.Succeeded && r.CreatedAt > release.CreatedAt,
                cancellationToken);

        var timings = await TimingsAsync(row.PipelineName, release.PipelineExecutionId, cancellationToken);
        var stages = row.Stages.Select(s => new StageDetails(s.Name, s.Status, s.Summary, timings.GetValueOrDefault(s.Name)?.Start,
                timings.GetValueOrDefault(s.Name)?.End, s.LastChangedAt))
            .Concat(timings.Where(t => row.Stages.All(s => s.Name != t.Key))
                .Select(t => new StageDetails(t.Key, t.Value.Status, null, t.Value.Start, t.Value.End, t.Value.End ?? t.Value.Start)))
            .ToList();

        // What changes on the site: from what was deployed before (the newest earlier success of another commit), else
        // from the push's before.
        var compareFrom = earlier.FirstOrDefault(e => e.CommitId != release.CommitId)?.CommitId
            ?? (row.Before is { Length: > 0 } before && before != NoCommit && before != release.CommitId ? before : null);
        var links = GitLabLinks.For(row.GitLabUrl);
        return new ReleaseDetails(
            release.Id, row.HostId, row.HostName, row.CustomerId, row.CustomerName, row.HostState, EnvironmentNames.Of(row.Kind), row.EnvironmentState,
            row.NeedsApproval,
            release.CommitId, release.Branch, release.AuthorUsername, release.AuthorEmail,
            row.Authors?.Select(a => a.Name ?? a.Email).OfType<string>().Distinct().ToList() ?? [],
            release.Message, release.State, release.StateReason, release.PushedAt, release.CreatedAt, release.UpdatedAt,
            release.PipelineExecutionId, release.SourceVersionId,
            release.RequiredApprovals, release.PendingApprovalStage,
            stages, row.Decisions.Select(d => d.View).ToList(),
            release.State == ReleaseState.WaitingForApproval ? count : null,
            row.ApproverEmails.Select(e => e.Trim()).ToList(),
            viewer is not null && ApprovalRules.IsCustomerApprover(row.CustomerId, row.ApproverEmails, viewer.CustomerId, viewer.Email, viewer.EmailConfirmed),
            links?.Commit(release.CommitId), compareFrom is null ? null : links?.Compare(compareFrom, release.CommitId), compareFrom,
            row.Outputs.GetValueOrDefault("SiteUrl"),
            release.CanRunAgain, newerSucceeded, earlier);
    }

    private sealed record Timing(string Status, DateTimeOffset? Start, DateTimeOffset? End);

    /// <summary>
    /// Each stage's start (its first action's startTime) and end (its last action's lastUpdateTime, once no action runs),
    /// from ListActionExecutions. The page stays useful without them: AWS not answering only leaves the times out.
    /// </summary>
    private async Task<Dictionary<string, Timing>> TimingsAsync(string? pipelineName, string? executionId, CancellationToken cancellationToken)
    {
        if (pipelineName is null || executionId is null) return [];
        IReadOnlyList<ActionExecutionDetail> actions;
        try
        {
            actions = await pipelines.ListActionExecutionsAsync(pipelineName, executionId, cancellationToken);
        }
        catch (AwsException e)
        {
            logger.LogInformation("Action executions of {Pipeline} {Execution} not read ({Code}); the release page shows no times", pipelineName,
                executionId, e.Code);
            return [];
        }
        return actions.GroupBy(a => a.StageName).ToDictionary(g => g.Key, g =>
        {
            var running = g.Any(a => a.Status == "InProgress");
            var status = g.Any(a => a.Status == "Failed") ? "Failed" : running ? "InProgress" : g.All(a => a.Status == "Succeeded") ? "Succeeded" : g.Last().Status;
            return new Timing(status, g.Min(a => a.StartTime), running ? null : g.Max(a => a.LastUpdateTime));
        });
    }
}

/// <summary>Links into the GitLab project's web pages, from its clone URL ("https://gitlab.example.com/acme/shop.git").</summary>
public sealed record GitLabLinks(string ProjectUrl)
{
    public static GitLabLinks? For(string? httpUrl)
    {
        if (string.IsNullOrEmpty(httpUrl) || !Uri.TryCreate(httpUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            return null;
        var url = httpUrl.TrimEnd('/');
        return new(url.EndsWith(".git", StringComparison.Ordinal) ? url[..^4] : url);
    }

    public string Commit(string sha) => $"{ProjectUrl}/-/commit/{Uri.EscapeDataString(sha)}";

    /// <summary>GitLab's compare view: what <paramref name="to"/> changes against <paramref name="from"/>.</summary>
    public string Compare(string from, string to) => $"{ProjectUrl}/-/compare/{Uri.EscapeDataString(from)}...{Uri.EscapeDataString(to)}";
}

public sealed record ReleaseDetails(
    Guid Id,
    Guid HostId,
    string HostName,
    Guid CustomerId,
    string CustomerName,
    HostState HostState,
    string Environment,
    EnvironmentState EnvironmentState,
    // Its environment's releases wait at a manual approval (production always, staging when asked).
    bool NeedsApproval,
    string CommitId,
    string Branch,
    string? AuthorUsername,
    string? AuthorEmail,
    IReadOnlyList<string> CommitAuthors,
    string? Message,
    ReleaseState State,
    string? StateReason,
    DateTimeOffset PushedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? PipelineExecutionId,
    string? SourceVersionId,
    int? RequiredApprovals,
    string? WaitingAtStage,
    IReadOnlyList<StageDetails> Stages,
    IReadOnlyList<ApprovalView> Approvals,
    // Where the current wait's approvals stand (operators' and the customer's step); null when it does not wait.
    ApprovalCount? Waiting,
    // The host's approver e-mails: who may take the customer's step.
    IReadOnlyList<string> CustomerApprovers,
    // The person reading is one of the host's customer approvers.
    bool YouAreCustomerApprover,
    string? CommitUrl,
    string? CompareUrl,
    string? ComparedWith,
    string? SiteUrl,
    bool CanRunAgain,
    // A newer release succeeded in this environment since: running this one again is a roll-back.
    bool NewerSucceeded,
    IReadOnlyList<EarlierRelease> EarlierSuccesses)
{
    public bool IsInFlight => State is ReleaseState.InProgress or ReleaseState.WaitingForApproval;

    /// <summary>Failed because an operator rejected it at the approval (CodePipeline only says Failed).</summary>
    public bool Rejected => State == ReleaseState.Failed && Approvals.LastOrDefault() is { Outcome: ApprovalOutcome.Rejected, SentToAws: true };
}

/// <summary>One stage of the execution: CodePipeline's status and summary, when it started and (once done) ended.</summary>
public sealed record StageDetails(string Name, string Status, string? Summary, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? LastChangedAt)
{
    public TimeSpan? Duration => StartedAt is { } start && EndedAt is { } end && end >= start ? end - start : null;
}

/// <summary>A decision on one of its approvals; <paramref name="CustomerStep"/>: a customer approver's (<paramref name="Operator"/> names them).</summary>
public sealed record ApprovalView(string Operator, ApprovalOutcome Outcome, string Comment, DateTimeOffset DecidedAt, bool SentToAws, bool CustomerStep = false);

public sealed record EarlierRelease(Guid Id, string CommitId, string? Message, DateTimeOffset CreatedAt, bool HasSource);
