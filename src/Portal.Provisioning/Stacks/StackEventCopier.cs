using Microsoft.EntityFrameworkCore;
using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Copies a stack's new events into the database (pages show them live) and reads the stack's status off its newest
/// stack-level event, so one DescribeStackEvents call per look is all a running stack costs.
/// </summary>
public sealed class StackEventCopier(ICloudFormation cloudFormation)
{
    /// <summary>Saves the events not yet copied; returns the stack's newest stack-level event, if any.</summary>
    public async Task<StackEventDescription?> CopyAsync(PortalDbContext db, HostEnvironment environment, string stackId, CancellationToken cancellationToken)
    {
        StackEventDescription? newestStackEvent = null;
        string? nextToken = null;
        do
        {
            var page = await cloudFormation.DescribeStackEventsAsync(stackId, nextToken, cancellationToken);
            var ids = page.Items.Select(e => e.EventId).ToList();
            var known = await db.StackEvents.Where(e => ids.Contains(e.EventId)).Select(e => e.EventId).ToListAsync(cancellationToken);
            foreach (var item in page.Items)
            {
                newestStackEvent ??= IsStackLevel(item) ? item : null;
                if (known.Contains(item.EventId)) continue;
                db.StackEvents.Add(new StackEvent
                {
                    HostEnvironmentId = environment.Id,
                    EventId = item.EventId,
                    StackName = item.StackName,
                    Timestamp = item.Timestamp,
                    LogicalResourceId = item.LogicalResourceId,
                    ResourceType = item.ResourceType,
                    ResourceStatus = item.ResourceStatus,
                    ResourceStatusReason = item.ResourceStatusReason,
                });
            }
            // Events come newest first: once a page reaches events already copied, the rest are older.
            nextToken = known.Count > 0 ? null : page.NextToken;
        } while (nextToken is not null);
        await db.SaveChangesAsync(cancellationToken);

        return newestStackEvent ?? await NewestCopiedStackEventAsync(db, environment, stackId, cancellationToken);
    }

    /// <summary>
    /// AWS's reason for a failed operation: the first resource that failed since <paramref name="since"/>, not the
    /// cancellations that followed it, else the stack's own status reason.
    /// </summary>
    public static async Task<string> FailureReasonAsync(PortalDbContext db, HostEnvironment environment, string stackName, DateTimeOffset since, string? stackReason, CancellationToken cancellationToken)
    {
        var failures = await db.StackEvents
            .Where(e => e.HostEnvironmentId == environment.Id && e.StackName == stackName && e.Timestamp >= since
                        && e.ResourceStatus.EndsWith("_FAILED") && e.LogicalResourceId != stackName)
            .OrderBy(e => e.Timestamp).ThenBy(e => e.Id)
            .ToListAsync(cancellationToken);
        var cause = failures.FirstOrDefault(e => e.ResourceStatusReason is { } reason && !IsCancellation(reason))
            ?? failures.FirstOrDefault();
        if (cause is not null)
            return $"{cause.LogicalResourceId} ({cause.ResourceType}): {cause.ResourceStatusReason ?? cause.ResourceStatus}";
        return stackReason ?? "CloudFormation reported a failure without a reason.";
    }

    private static async Task<StackEventDescription?> NewestCopiedStackEventAsync(PortalDbContext db, HostEnvironment environment, string stackId, CancellationToken cancellationToken)
    {
        var stackName = StackNameOf(stackId);
        var copied = await db.StackEvents
            .Where(e => e.HostEnvironmentId == environment.Id && e.StackName == stackName && e.LogicalResourceId == stackName)
            .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return copied is null
            ? null
            : new StackEventDescription(copied.EventId, stackId, stackName, stackName, stackId, "AWS::CloudFormation::Stack",
                copied.Timestamp, copied.ResourceStatus, copied.ResourceStatusReason, null);
    }

    private static bool IsStackLevel(StackEventDescription e) => e.LogicalResourceId == e.StackName;

    private static bool IsCancellation(string reason) =>
        reason.Contains("cancelled", StringComparison.OrdinalIgnoreCase) || reason.Contains("canceled", StringComparison.OrdinalIgnoreCase);

    /// <summary>arn:aws:cloudformation:region:account:stack/NAME/uuid → NAME; a plain name stays as it is.</summary>
    public static string StackNameOf(string stackNameOrId) =>
        stackNameOrId.StartsWith("arn:", StringComparison.Ordinal) && stackNameOrId.Split('/') is { Length: >= 2 } parts ? parts[1] : stackNameOrId;
}
