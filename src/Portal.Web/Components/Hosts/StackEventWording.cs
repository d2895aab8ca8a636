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

    /// <summary>"portal-acme-web-production-k3x9q2-infra" → "Infrastructure stack" (AwsNames' suffixes).</summary>
    private static string LabelOf(string stackName) =>
        stackName.EndsWith("-infra", StringComparison.Ordinal) ? "Infrastructure stack"
        : stackName.EndsWith("-app", StringComparison.Ordinal) ? "Software stack"
        : $"Stack {stackName}";
}
