using Portal.Provisioning.Hosts;

namespace Portal.Web.Components.Hosts;

/// <summary>
/// Stack events as a person reads them: one stack at a time (newest stack first), and a failure's reason once — the
/// resource that failed says why; CloudFormation's follow-ups ("Resource creation cancelled" on the others, "Rollback
/// requested by user" on a rollback nobody asked for) are left out.
/// </summary>
public static class StackEventWording
{
    private static readonly string[] FollowUps = ["Resource creation cancelled", "Resource update cancelled"];
    private const string RollbackRequested = "Rollback requested by user.";

    public sealed record Shown(StackEventView Event, string? Reason);

    public sealed record StackEvents(string StackName, string Label, IReadOnlyList<Shown> Events);

    /// <summary>The stack's own rollback reason ("The following resource(s) failed to create: [...]"), in words, or null.</summary>
    public static string? Failure(StackEventView? rollback) =>
        rollback?.ResourceStatusReason?.Replace(RollbackRequested, "", StringComparison.Ordinal).Trim() is { Length: > 0 } reason ? reason : null;

    /// <param name="alreadyTold">A reason already shown above the events (<see cref="Failure"/>), not repeated in them.</param>
    public static IReadOnlyList<StackEvents> ByStack(IReadOnlyList<StackEventView> events, string? alreadyTold = null)
    {
        var told = new HashSet<string>(StringComparer.Ordinal);
        if (alreadyTold is not null) told.Add(alreadyTold);
        // Reasons are decided oldest first, so the first time a reason is given is the one shown.
        var reasons = events.OrderBy(e => e.Timestamp).ThenBy(e => e.Id).ToDictionary(e => e.Id, e => ReasonOnce(e, told));
        return events
            .GroupBy(e => e.StackName)
            .OrderByDescending(g => g.Max(e => e.Timestamp))
            .Select(g => new StackEvents(g.Key, LabelOf(g.Key),
                g.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).Select(e => new Shown(e, reasons[e.Id])).ToList()))
            .ToList();
    }

    private static string? ReasonOnce(StackEventView stackEvent, HashSet<string> told)
    {
        var reason = stackEvent.ResourceStatusReason?.Replace(RollbackRequested, "", StringComparison.Ordinal).Trim();
        var worth = stackEvent.ResourceStatus.EndsWith("_FAILED", StringComparison.Ordinal)
            || stackEvent.ResourceStatus.Contains("ROLLBACK_IN_PROGRESS", StringComparison.Ordinal);
        if (!worth || string.IsNullOrEmpty(reason) || FollowUps.Any(f => reason.StartsWith(f, StringComparison.Ordinal))) return null;
        return told.Add(reason) ? reason : null;
    }

    /// <summary>
    /// Where a running operation is, from its stack events: the newest event (which stack, which resource, what it does)
    /// and how many of the resources it has touched are done. CloudFormation names a resource only once it starts on it,
    /// so the count is of resources started so far.
    /// </summary>
    public sealed record Progress(string StackLabel, string Resource, string Status, int Done, int Started);

    /// <param name="since">When the operation began: older events belong to an earlier one.</param>
    public static Progress? ProgressOf(IReadOnlyList<StackEventView> events, DateTimeOffset? since)
    {
        var current = events.Where(e => since is null || e.Timestamp >= since.Value).ToList();
        if (current.Count == 0) return null;
        var newest = current.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).First();
        var resources = current.Where(e => e.LogicalResourceId != e.StackName)
            .GroupBy(e => (e.StackName, e.LogicalResourceId))
            .Select(g => g.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).First().ResourceStatus)
            .ToList();
        return new Progress(LabelOf(newest.StackName), newest.LogicalResourceId, newest.ResourceStatus,
            resources.Count(s => s.EndsWith("_COMPLETE", StringComparison.Ordinal) || s.EndsWith("_SKIPPED", StringComparison.Ordinal)),
            resources.Count);
    }

    /// <summary>"portal-acme-web-production-k3x9q2-infra" → "Infrastructure stack" (AwsNames' suffixes).</summary>
    private static string LabelOf(string stackName) =>
        stackName.EndsWith("-infra", StringComparison.Ordinal) ? "Infrastructure stack"
        : stackName.EndsWith("-app", StringComparison.Ordinal) ? "Software stack"
        : $"Stack {stackName}";
}
