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
        var proposed = ProposedHost(host, valid, clock.GetUtcNow());
        foreach (var environment in proposed.Environments)
        {
            var current = host.LiveEnvironments().FirstOrDefault(e => e.Kind == environment.Kind);
            var order = new HostEnvironmentOrder(host.Customer.Slug, proposed, environment);
            if (current is null)
            {
                PlanCreation(change, order);
                continue;
            }
            if (valid.Environments.All(e => e.Kind != environment.Kind))
            {
                await PlanDeletionAsync(change, current, cancellationToken);
                continue;
            }
            var stacks = new[]
            {
                renderer.RenderInfrastructure(order),
                renderer.RenderSoftware(order, current.ListenerPriority ?? throw new InvalidOperationException($"{current.Kind} holds no listener priority.")),
            };
            foreach (var stack in stacks)
            {
                EnsurePolicy(stack);
                if (current.TemplateHash(stack.Layer) == stack.TemplateHash || Planned(change, current.Kind, stack.Layer))
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
            change.CompletePreview(anyStackChanges: change.Stacks.Any(s => s.Status is ChangeSetState.Ready or ChangeSetState.Create or ChangeSetState.Delete),
                clock.GetUtcNow());
        return null;
    }

    /// <summary>
    /// An environment the change adds: its two stacks are created when the change is confirmed, as an order's are. Both
    /// pass the template policy now (rendered, as the provisioner first does, before the environment holds a priority).
    /// </summary>
    private void PlanCreation(HostChange change, HostEnvironmentOrder order)
    {
        var stacks = new[] { renderer.RenderInfrastructure(order), renderer.RenderSoftware(order, HostStackRenderer.MinListenerPriority) };
        foreach (var stack in stacks)
        {
            EnsurePolicy(stack);
            if (Planned(change, order.Environment.Kind, stack.Layer)) continue;
            change.Stacks.Add(new HostChangeStack
            {
                Environment = order.Environment.Kind,
                Layer = LayerName(stack.Layer),
                StackName = stack.StackName,
                ChangeSetName = "",
                TemplateHash = stack.TemplateHash,
                Status = ChangeSetState.Create,
                StatusReason = $"Created when you confirm: {EnvironmentNames.Of(order.Environment.Kind)} is provisioned as a new order's environment is.",
            });
        }
    }

    /// <summary>
    /// An environment the change removes: both stacks are deleted when the change is confirmed, as a decommission deletes
    /// them (software first), with every resource they hold now. A database goes with a final snapshot (the template's
    /// DeletionPolicy), which stays in the account.
    /// </summary>
    private async Task PlanDeletionAsync(HostChange change, HostEnvironment environment, CancellationToken cancellationToken)
    {
        foreach (var layer in new[] { StackLayer.Software, StackLayer.Infrastructure })
        {
            if (Planned(change, environment.Kind, layer)) continue;
            var (name, id) = layer == StackLayer.Software
                ? (environment.SoftwareStackName, environment.SoftwareStackId)
                : (environment.InfrastructureStackName, environment.InfrastructureStackId);
            if (name is null) continue;
            var resources = id is null ? [] : await cloudFormation.DescribeStackResourcesAsync(id, cancellationToken);
            var databases = resources.Where(r => r.ResourceType is DatabaseInstanceType).Select(r => r.LogicalResourceId).ToList();
            change.Stacks.Add(new HostChangeStack
            {
                Environment = environment.Kind,
                Layer = LayerName(layer),
                StackName = name,
                ChangeSetName = "",
                TemplateHash = environment.TemplateHash(layer) ?? "",
                Status = ChangeSetState.Delete,
                StatusReason = $"Deleted when you confirm, with every resource listed; {EnvironmentNames.Of(environment.Kind)}'s releases stay in the portal." +
                    string.Concat(databases.Select(d => $" The database {d} is deleted after a final snapshot, which stays in the AWS account.")),
                Changes = resources.Select(r => new ResourceChangeRecord("Remove", r.LogicalResourceId, r.ResourceType, null, [])).ToList(),
            });
        }
    }

    private const string DatabaseInstanceType = "AWS::RDS::DBInstance";

    private static bool Planned(HostChange change, EnvironmentKind kind, StackLayer layer) =>
        change.Stacks.Any(s => s.Environment == kind && s.Layer == LayerName(layer));

    private void EnsurePolicy(RenderedStack stack)
    {
        var violations = policy.Check(stack);
        if (violations.Count > 0) throw new PolicyViolationException(stack, violations);
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

    /// <summary>
    /// A detached copy of the host with the proposed order on it, the environments it adds included (made as an order
    /// makes them): rendered, never saved.
    /// </summary>
    private static Host ProposedHost(Host host, ValidHostOrder order, DateTimeOffset now)
    {
        var copy = new Host
        {
            Id = host.Id,
            Name = host.Name,
            Plan = host.Plan,
            ResourceKey = host.ResourceKey,
            Environments = host.LiveEnvironments().Select(e => new HostEnvironment
            {
                Id = e.Id, Kind = e.Kind, Branch = e.Branch, ResourceName = e.ResourceName,
                InfrastructureStackName = e.InfrastructureStackName, SoftwareStackName = e.SoftwareStackName,
            }).ToList(),
        };
        HostOrderMapping.Apply(order, copy);
        foreach (var added in order.Environments.Where(o => copy.Environments.All(e => e.Kind != o.Kind)).ToList())
            HostOrderMapping.AddEnvironment(copy, host.Customer.Slug, added, now);
        return copy;
    }

    public static string LayerName(StackLayer layer) => layer == StackLayer.Infrastructure ? "infrastructure" : "software";
}
