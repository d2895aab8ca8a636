using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Aws;
using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Background;
using Portal.Provisioning.Environments;
using Portal.Provisioning.Orders;
using Portal.Provisioning.Policy;
using Portal.Provisioning.Stacks;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Changes;

/// <summary>
/// Prepares a host change's preview: for every stack whose template or parameters the edit changes, a CloudFormation
/// change set, and once AWS has worked them out, the resources each would add, modify or remove. Nothing is applied.
/// </summary>
public sealed class ChangePreviewer(
    IDbContextFactory<PortalDbContext> contexts,
    EnvironmentLock locks,
    HostOrderValidator validator,
    HostStackRenderer renderer,
    TemplatePolicy policy,
    ICloudFormation cloudFormation,
    PlatformSettings platform,
    CheckScheduler scheduler,
    ProvisioningOptions options,
    TimeProvider clock,
    ILogger<ChangePreviewer> logger)
{
    public async Task StepAsync(Guid changeId, Guid checkId, CancellationToken cancellationToken)
    {
        await using var held = await locks.TryAcquireAsync(changeId, cancellationToken);
        if (held is null)
        {
            scheduler.ScheduleChangePreview(changeId, checkId, options.MinCheckInterval);
            return;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var change = await db.HostChanges.Include(c => c.Stacks)
            .Include(c => c.Host).ThenInclude(h => h.Customer)
            .Include(c => c.Host).ThenInclude(h => h.Environments)
            .FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken);
        if (change is null || change.ScheduledCheckId != checkId || change.State != HostChangeState.Preparing) return;

        Guid? next;
        try
        {
            next = await PrepareAsync(change, cancellationToken);
        }
        catch (AwsException e) when (e.Retryable)
        {
            logger.LogWarning("AWS unavailable while previewing change {ChangeId}: {Code}", changeId, e.Code);
            next = LookAgain(change);
        }
        catch (AwsException e)
        {
            change.FailPreview($"AWS refused the preview: {e.Code}: {e.AwsMessage}", clock.GetUtcNow());
            next = null;
        }
        catch (PolicyViolationException e)
        {
            change.FailPreview($"This change would break the template policy: {e.Message}", clock.GetUtcNow());
            next = null;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return; // discarded or superseded meanwhile
        }
        if (next is { } check) scheduler.ScheduleChangePreview(changeId, check, options.MinCheckInterval);
    }

    private Guid LookAgain(HostChange change)
    {
        var now = clock.GetUtcNow();
        return change.ScheduleCheck(now + options.MinCheckInterval, now);
    }

    /// <summary>Makes or reads the change sets; the next look's check id while AWS is still working some out, else null.</summary>
    private async Task<Guid?> PrepareAsync(HostChange change, CancellationToken cancellationToken)
    {
        var host = change.Host;
        var valid = validator.ValidateChange(host, JsonSerializer.Deserialize<HostOrder>(change.ProposedOrder)!).Order;
        if (valid is null)
        {
            change.FailPreview("The proposed order no longer passes the order rules.", clock.GetUtcNow());
            return null;
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
        if (change.Stacks.Any(s => s.Status == ChangeSetState.Creating)) return LookAgain(change);

        if (change.Stacks.FirstOrDefault(s => s.Status == ChangeSetState.Failed) is { } failed)
            change.FailPreview($"{failed.StackName}: {failed.StatusReason}", clock.GetUtcNow());
        else
            change.CompletePreview(anyStackChanges: change.Stacks.Any(s => s.Status == ChangeSetState.Ready), clock.GetUtcNow());
        return null;
    }

    private async Task<HostChangeStack> CreateChangeSetAsync(HostChange change, HostEnvironment environment, RenderedStack stack, CancellationToken cancellationToken)
    {
        var name = $"portal-{change.Id:N}-{EnvironmentNames.Of(environment.Kind)}-{LayerName(stack.Layer)}";
        var created = await cloudFormation.CreateChangeSetAsync(new CreateChangeSetRequest(stack.StackName, name, stack.TemplateBody)
        {
            Parameters = stack.Parameters.Select(p => new StackInputParameter(p.Key, p.Value)).ToList(),
            Tags = stack.Tags.Select(t => new StackInputTag(t.Key, t.Value)).ToList(),
            Capabilities = StackDriver.Capabilities,
            ChangeSetType = "UPDATE",
            Description = $"Portal change {change.Id} requested by {change.RequestedBy}",
            ClientToken = name,
            RoleArn = platform.CloudFormationRoleArn,
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
                case "FAILED" when described.HasNoChanges:
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
            ResourceKey = host.ResourceKey,
            Environments = host.Environments.Select(e => new HostEnvironment
            {
                Id = e.Id, Kind = e.Kind, Branch = e.Branch, ResourceName = e.ResourceName,
                InfrastructureStackName = e.InfrastructureStackName, SoftwareStackName = e.SoftwareStackName,
            }).ToList(),
        };
        HostOrderMapping.Apply(order, copy);
        return copy;
    }

    public static string LayerName(StackLayer layer) => layer == StackLayer.Infrastructure ? "infrastructure" : "software";
}
