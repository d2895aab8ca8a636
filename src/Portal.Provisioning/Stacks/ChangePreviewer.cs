using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Aws;
using Portal.Provisioning.Hosts;
using Portal.Provisioning.Jobs;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// Prepares a host change's preview: for every stack whose template or parameters the edit changes, a CloudFormation
/// change set, and once AWS has worked them out, the resources each would add, modify or remove. Nothing is applied.
/// </summary>
public sealed class ChangePreviewer(
    PortalDbContext db,
    EnvironmentLock locks,
    HostOrderValidator validator,
    HostStackRenderer renderer,
    TemplatePolicy policy,
    ICloudFormation cloudFormation,
    CheckScheduler scheduler,
    ProvisioningOptions options,
    TimeProvider clock,
    ILogger<ChangePreviewer> logger)
{
    private const string NoChanges = "didn't contain changes";

    public async Task StepAsync(Guid changeId, Guid checkId, CancellationToken cancellationToken)
    {
        await using var held = await locks.TryAcquireAsync(changeId, cancellationToken);
        if (held is null)
        {
            scheduler.ScheduleChangePreview(changeId, checkId, options.MinCheckInterval);
            return;
        }
        var change = await db.HostChanges.Include(c => c.Stacks)
            .Include(c => c.Host).ThenInclude(h => h.Customer)
            .Include(c => c.Host).ThenInclude(h => h.Environments)
            .FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken);
        if (change is null || change.ScheduledCheckId != checkId || change.State != HostChangeState.Preparing) return;

        bool waiting;
        try
        {
            waiting = await PrepareAsync(change, cancellationToken);
        }
        catch (AwsException e) when (e.Retryable)
        {
            logger.LogWarning("AWS unavailable while previewing change {ChangeId}: {Code}", changeId, e.Code);
            waiting = true;
        }
        catch (AwsException e)
        {
            Fail(change, $"AWS refused the preview: {e.Code}: {e.AwsMessage}");
            waiting = false;
        }
        catch (PolicyViolationException e)
        {
            Fail(change, $"This change would break the template policy: {e.Message}");
            waiting = false;
        }

        var now = clock.GetUtcNow();
        change.UpdatedAt = now;
        if (waiting)
            (change.ScheduledCheckId, change.NextCheckAt) = (Guid.NewGuid(), now + options.MinCheckInterval);
        else
            (change.ScheduledCheckId, change.NextCheckAt) = (null, null);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return; // discarded or superseded meanwhile
        }
        if (waiting) scheduler.ScheduleChangePreview(changeId, change.ScheduledCheckId!.Value, options.MinCheckInterval);
    }

    /// <summary>Makes or reads the change sets; true while AWS is still working some out.</summary>
    private async Task<bool> PrepareAsync(HostChange change, CancellationToken cancellationToken)
    {
        var host = change.Host;
        var valid = validator.ValidateChange(host, JsonSerializer.Deserialize<HostOrder>(change.ProposedOrder)!).Order;
        if (valid is null)
        {
            Fail(change, "The proposed order no longer passes the order rules.");
            return false;
        }
        var proposed = ProposedHost(host, valid);
        foreach (var environment in proposed.Environments)
        {
            var current = host.Environments.Single(e => e.Kind == environment.Kind);
            var order = new HostEnvironmentOrder(host.Customer.Slug, proposed, environment);
            var stacks = new[]
            {
                renderer.RenderInfrastructure(order),
                renderer.RenderSoftware(order, current.ListenerPriority ?? throw new InvalidOperationException($"{current.Kind} holds no listener priority.")),
            };
            foreach (var stack in stacks)
            {
                var violations = policy.Check(stack);
                if (violations.Count > 0) throw new PolicyViolationException(stack, violations);
                if (current.TemplateHash(stack.Layer) == stack.TemplateHash || change.Stacks.Any(s => s.Environment == current.Kind && s.Layer == LayerName(stack.Layer)))
                    continue;
                change.Stacks.Add(await CreateChangeSetAsync(change, current, stack, cancellationToken));
            }
        }

        foreach (var stack in change.Stacks.Where(s => s.Status == ChangeSetState.Creating))
            await ReadChangeSetAsync(stack, cancellationToken);
        if (change.Stacks.Any(s => s.Status == ChangeSetState.Creating)) return true;

        if (change.Stacks.FirstOrDefault(s => s.Status == ChangeSetState.Failed) is { } failed)
            Fail(change, $"{failed.StackName}: {failed.StatusReason}");
        else
            change.State = change.Stacks.Any(s => s.Status == ChangeSetState.Ready) ? HostChangeState.Ready : HostChangeState.NoChanges;
        return false;
    }

    private async Task<HostChangeStack> CreateChangeSetAsync(HostChange change, HostEnvironment environment, RenderedStack stack, CancellationToken cancellationToken)
    {
        var name = $"portal-{change.Id:N}-{StackNaming.EnvironmentName(environment.Kind)}-{LayerName(stack.Layer)}";
        var created = await cloudFormation.CreateChangeSetAsync(new CreateChangeSetRequest(stack.StackName, name, stack.TemplateBody)
        {
            Parameters = stack.Parameters.Select(p => new StackInputParameter(p.Key, p.Value)).ToList(),
            Tags = stack.Tags.Select(t => new StackInputTag(t.Key, t.Value)).ToList(),
            Capabilities = StackDriver.Capabilities,
            ChangeSetType = "UPDATE",
            Description = $"Portal change {change.Id} requested by {change.RequestedBy}",
            ClientToken = name,
        }, cancellationToken);
        return new HostChangeStack
        {
            Environment = environment.Kind,
            Layer = LayerName(stack.Layer),
            StackName = stack.StackName,
            ChangeSetName = name,
            ChangeSetId = created.Id,
            TemplateHash = stack.TemplateHash,
        };
    }

    private async Task ReadChangeSetAsync(HostChangeStack stack, CancellationToken cancellationToken)
    {
        var changes = new List<ResourceChangeRecord>();
        string? nextToken = null;
        do
        {
            var described = await cloudFormation.DescribeChangeSetAsync(stack.ChangeSetId!, nextToken: nextToken, cancellationToken: cancellationToken);
            switch (described.Status)
            {
                case "CREATE_COMPLETE":
                    changes.AddRange(described.Changes.Select(c => new ResourceChangeRecord(c.Action, c.LogicalResourceId, c.ResourceType, c.Replacement, c.Scope)));
                    nextToken = described.NextToken;
                    break;
                case "FAILED" when described.StatusReason?.Contains(NoChanges, StringComparison.Ordinal) == true:
                    (stack.Status, stack.StatusReason) = (ChangeSetState.NoChanges, described.StatusReason);
                    return;
                case "FAILED":
                    (stack.Status, stack.StatusReason) = (ChangeSetState.Failed, described.StatusReason ?? "CloudFormation could not create the change set.");
                    return;
                default:
                    return; // CREATE_PENDING, CREATE_IN_PROGRESS: look again later
            }
        } while (nextToken is not null);
        (stack.Status, stack.Changes) = (ChangeSetState.Ready, changes);
    }

    /// <summary>A detached copy of the host with the proposed order on it: rendered, never saved.</summary>
    private static Host ProposedHost(Host host, ValidHostOrder order)
    {
        var copy = new Host
        {
            Id = host.Id,
            Name = host.Name,
            Plan = host.Plan,
            Environments = host.Environments.Select(e => new HostEnvironment { Id = e.Id, Kind = e.Kind, Branch = e.Branch }).ToList(),
        };
        HostOrderMapping.Apply(order, copy);
        return copy;
    }

    private static void Fail(HostChange change, string reason)
    {
        change.State = HostChangeState.Failed;
        change.StateReason = reason.Length > 2000 ? reason[..1997] + "..." : reason;
    }

    public static string LayerName(StackLayer layer) => layer == StackLayer.Infrastructure ? "infrastructure" : "software";
}
