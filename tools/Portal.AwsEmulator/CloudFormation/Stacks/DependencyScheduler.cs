namespace Portal.AwsEmulator.CloudFormation.Stacks;

public enum StepOutcome { Succeeded, Failed, Cancelled }

/// <summary>What a scheduled run did: the nodes that succeeded, failed (or were cancelled) and never started.</summary>
public sealed record ScheduleResult(IReadOnlySet<string> Succeeded, IReadOnlySet<string> Failed, IReadOnlySet<string> Cancelled, IReadOnlySet<string> NotStarted)
{
    public bool AllSucceeded => Failed.Count == 0 && Cancelled.Count == 0 && NotStarted.Count == 0;
}

/// <summary>
/// Runs work on nodes in parallel as soon as the nodes each waits for have succeeded, as CloudFormation creates
/// independent resources at the same time. With <c>stopOnFailure</c> a failure cancels the work in flight and
/// starts nothing more; without it only the nodes waiting for a failed one are left out.
/// </summary>
public static class DependencyScheduler
{
    public static async Task<ScheduleResult> RunAsync(
        IReadOnlyDictionary<string, IReadOnlySet<string>> waitsFor,
        Func<string, CancellationToken, Task<StepOutcome>> work,
        bool stopOnFailure,
        CancellationToken cancellationToken)
    {
        var succeeded = new HashSet<string>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var cancelled = new HashSet<string>(StringComparer.Ordinal);
        var pending = new HashSet<string>(waitsFor.Keys, StringComparer.Ordinal);
        // A list, not a dictionary keyed by task: steps that finish synchronously may share a cached task.
        var running = new List<(Task<StepOutcome> Task, string Node)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            if (!stop.IsCancellationRequested)
                foreach (var node in pending.Where(n => waitsFor[n].All(d => succeeded.Contains(d) || !waitsFor.ContainsKey(d))).ToList())
                {
                    pending.Remove(node);
                    running.Add((work(node, stop.Token), node));
                }
            if (running.Count == 0) break;
            var finished = await Task.WhenAny(running.Select(r => r.Task));
            var index = running.FindIndex(r => r.Task == finished);
            var name = running[index].Node;
            running.RemoveAt(index);
            switch (await finished)
            {
                case StepOutcome.Succeeded:
                    succeeded.Add(name);
                    break;
                case StepOutcome.Failed:
                    failed.Add(name);
                    if (stopOnFailure) await stop.CancelAsync();
                    break;
                default:
                    cancelled.Add(name);
                    break;
            }
        }
        return new ScheduleResult(succeeded, failed, cancelled, pending);
    }
}
