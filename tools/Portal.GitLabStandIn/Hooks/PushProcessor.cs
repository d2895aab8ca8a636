using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.Git;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Hooks;

public sealed record RefChange(string OldRev, string NewRev, string Ref);

/// <summary>What post-receive reported: who pushed which refs into which project, with which push options.</summary>
public sealed record PushEvent(long ProjectId, long UserId, IReadOnlyList<RefChange> Changes, JsonObject PushOptions, DateTimeOffset At)
{
    /// <summary>Filled while processing: whether hooks ran for the push's branches and tags (push_event_hooks_limit).</summary>
    public List<string> Notes { get; } = [];
}

/// <summary>The pushes the stand-in processed, newest last, for the admin API and the index page.</summary>
public sealed class PushLog
{
    private const int Kept = 200;
    private readonly Lock gate = new();
    private readonly List<PushEvent> pushes = [];

    public void Add(PushEvent push)
    {
        lock (gate)
        {
            pushes.Add(push);
            if (pushes.Count > Kept) pushes.RemoveAt(0);
        }
    }

    public IReadOnlyList<PushEvent> Snapshot()
    {
        lock (gate) return [.. pushes];
    }
}

public sealed record DeliveryJob(long HookId, string Trigger, JsonObject Data);

/// <summary>
/// PostReceiveWorker and Git::ProcessRefChangesService: pushes are processed one after the other off the request; each
/// change of a branch (push_hooks) or tag (tag_push_hooks) builds its payload and queues one delivery per active
/// hook (WebHookWorker). Changes are grouped by ref kind and action (created, pushed, removed); a group of more
/// than push_event_hooks_limit refs runs no hooks at all.
/// </summary>
public sealed class PushProcessor(
    StandInState state, RepositoryStore store, RepositoryReader reader, PushDataBuilder builder, PushLog log,
    WebHookSender sender, IOptions<StandInOptions> options, TimeProvider clock, ILogger<PushProcessor> logger) : BackgroundService
{
    private const int DeliveryWorkers = 4;
    private readonly Channel<PushEvent> pushes = Channel.CreateUnbounded<PushEvent>();
    private readonly Channel<DeliveryJob> deliveries = Channel.CreateUnbounded<DeliveryJob>();

    public void Enqueue(PushEvent push) => pushes.Writer.TryWrite(push);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll([ProcessPushesAsync(stoppingToken), .. Enumerable.Range(0, DeliveryWorkers).Select(_ => DeliverAsync(stoppingToken))]);

    private async Task ProcessPushesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var push in pushes.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ProcessAsync(push, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Processing a push to project {ProjectId} failed", push.ProjectId);
                }
                log.Add(push);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in deliveries.Reader.ReadAllAsync(stoppingToken))
                await sender.ExecuteAsync(job.HookId, job.Trigger, job.Data, idempotencyKey: null, force: false, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(PushEvent push, CancellationToken cancellationToken)
    {
        var (project, user) = state.Read(d => (d.Projects.FirstOrDefault(p => p.Id == push.ProjectId), d.Users.FirstOrDefault(u => u.Id == push.UserId)));
        if (project is null || user is null) return;
        foreach (var (kind, prefix) in new[] { ("branch", "refs/heads/"), ("tag", "refs/tags/") })
        {
            var groups = push.Changes.Where(c => c.Ref.StartsWith(prefix, StringComparison.Ordinal)).GroupBy(Action);
            foreach (var group in groups)
            {
                var changes = group.ToList();
                var executeHooks = changes.Count <= options.Value.PushEventHooksLimit;
                push.Notes.Add($"{changes.Count} {kind} ref(s) {group.Key}: hooks {(executeHooks ? "executed" : "not executed (push_event_hooks_limit)")}");
                if (!executeHooks) continue;
                foreach (var change in changes)
                {
                    if (kind == "branch") await BranchHooksAsync(project, user, change, cancellationToken);
                    else await TagHooksAsync(project, user, change, cancellationToken);
                }
            }
        }
    }

    private static string Action(RefChange change) =>
        change.OldRev == RepositoryReader.BlankSha ? "created" : change.NewRev == RepositoryReader.BlankSha ? "removed" : "pushed";

    private async Task BranchHooksAsync(ProjectRecord project, UserRecord user, RefChange change, CancellationToken cancellationToken)
    {
        var branch = change.Ref["refs/heads/".Length..];
        var hooks = ActiveHooks(project, HookEvents.Push, h => BranchFilter.Matches(h, branch));
        if (hooks.Count == 0) return;
        var repository = store.PathOf(project);
        IReadOnlyList<string> shas = [];
        var count = 0;
        if (change.NewRev != RepositoryReader.BlankSha)
        {
            string? exclude = change.OldRev;
            if (change.OldRev == RepositoryReader.BlankSha)
                exclude = branch != project.DefaultBranch && await reader.BranchExistsAsync(repository, project.DefaultBranch, cancellationToken)
                    ? "refs/heads/" + project.DefaultBranch
                    : null;
            shas = await reader.RevListAsync(repository, change.NewRev, exclude, PushDataBuilder.MaxCommits, cancellationToken);
            count = await reader.CountAsync(repository, change.NewRev, exclude, cancellationToken);
        }
        var commits = (await reader.ReadCommitsAsync(repository, shas, cancellationToken)).Reverse().ToList();
        var data = await builder.BuildAsync(project, user, change.OldRev, change.NewRev, change.Ref, commits, count, null, cancellationToken);
        Queue(hooks, "push_hooks", data);
    }

    private async Task TagHooksAsync(ProjectRecord project, UserRecord user, RefChange change, CancellationToken cancellationToken)
    {
        var hooks = ActiveHooks(project, HookEvents.TagPush, _ => true);
        if (hooks.Count == 0) return;
        var repository = store.PathOf(project);
        List<CommitInfo> commits = [];
        string? message = null;
        if (change.NewRev != RepositoryReader.BlankSha &&
            await reader.FindTagAsync(repository, change.Ref["refs/tags/".Length..], cancellationToken) is { } tag && tag.TargetSha == change.NewRev)
        {
            message = tag.Message;
            if (await reader.ReadCommitAsync(repository, tag.CommitSha, cancellationToken) is { } commit) commits.Add(commit);
        }
        var data = await builder.BuildAsync(project, user, change.OldRev, change.NewRev, change.Ref, commits, commits.Count, message,
            cancellationToken);
        Queue(hooks, "tag_push_hooks", data);
    }

    private List<long> ActiveHooks(ProjectRecord project, string eventName, Func<HookRecord, bool> filter)
    {
        var now = clock.GetUtcNow();
        return state.Read(d => d.Hooks
            .Where(h => h.ProjectId == project.Id && h.Fires(eventName) && HookHealth.Executable(h, now, sender.AutoDisabling) && filter(h))
            .Select(h => h.Id).ToList());
    }

    private void Queue(List<long> hooks, string trigger, JsonObject data)
    {
        foreach (var hook in hooks) deliveries.Writer.TryWrite(new DeliveryJob(hook, trigger, (JsonObject)data.DeepClone()));
    }
}
