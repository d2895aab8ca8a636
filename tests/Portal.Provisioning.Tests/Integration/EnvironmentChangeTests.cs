using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Changes;
using Portal.Provisioning.Orders;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

/// <summary>
/// A customer adds an environment to an active host, or removes one, through the update flow: previewed as the stacks
/// it creates or deletes, then provisioned as an order's environment or decommissioned as a host's, at the emulator.
/// </summary>
public sealed class EnvironmentChangeTests : IAsyncLifetime
{
    private static readonly Actor Customer = new(null, "customer@example.test");
    private ProvisioningWorld world = null!;

    public async Task InitializeAsync() => world = await ProvisioningWorld.StartAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task Production_is_added_to_a_dev_host_previewed_as_new_stacks_provisioned_like_an_order_and_the_host_is_active_again()
    {
        var host = await world.ActiveHostAsync("grows", EnvironmentKind.Dev);
        var before = await world.HostAsync(host.Id);

        var proposed = await ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "grows", Edit(before, o => o.Include(EnvironmentKind.Production, true))));
        var change = await WaitForChangeAsync(Assert.IsType<ChangeOutcome.Done>(proposed).Change.Id, HostChangeState.Ready);

        Assert.Contains(new FieldChange(HostOrderFields.Environments, "dev", "dev, production"), change.FieldChanges);
        Assert.Contains(new FieldChange(HostOrderFields.ProductionBranch, null, "master"), change.FieldChanges);
        var created = change.Stacks.Where(s => s.Environment == EnvironmentKind.Production).OrderBy(s => s.Layer).ToList();
        Assert.Equal([("infrastructure", ChangeSetState.Create), ("software", ChangeSetState.Create)], created.Select(s => (s.Layer, s.Status)));
        Assert.All(created, s => Assert.Contains("-production-", s.StackName));
        Assert.DoesNotContain(change.Stacks, s => s.Environment == EnvironmentKind.Dev);
        Assert.Single((await world.HostAsync(host.Id)).Environments);

        Assert.IsType<ChangeOutcome.Done>(await ChangesAsync(c => c.ConfirmAsync(Customer, host.CustomerId, "grows", change.Id)));
        var active = await world.WaitForAsync(host.Id, HostState.Active);

        var production = active.Environments.Single(e => e.Kind == EnvironmentKind.Production);
        Assert.Equal((EnvironmentState.Active, "master"), (production.State, production.Branch));
        Assert.NotNull(production.ListenerPriority);
        Assert.NotEqual(before.Environments.Single().ListenerPriority, production.ListenerPriority);
        Assert.NotNull(production.PipelineName);
        var cloudFormation = world.Portal.Services.GetRequiredService<ICloudFormation>();
        foreach (var stack in created)
            Assert.Equal("CREATE_COMPLETE", (await cloudFormation.DescribeStackAsync(stack.StackName))?.StackStatus);
        Assert.Equal(new[] { production.InfrastructureStackName!, production.SoftwareStackName! }, created.Select(s => s.StackName));
        var dev = active.Environments.Single(e => e.Kind == EnvironmentKind.Dev);
        Assert.Equal(before.Environments.Single().SoftwareTemplateHash, dev.SoftwareTemplateHash);
        Assert.Equal(HostChangeState.Applied, (await ChangeAsync(change.Id)).State);
        var audit = await AuditAsync(host.Id);
        Assert.Contains(audit, a => a.Action == AuditActions.EnvironmentAdded && a.Details!.Contains("production"));
        Assert.Contains(audit, a => a.Action == AuditActions.HostChangeConfirmed && a.Details!.Contains("environments: dev → dev, production"));
        Assert.Equal(2, audit.Count(a => a.Action == AuditActions.EnvironmentSettled(EnvironmentOperation.Provision)));
    }

    [Fact]
    public async Task Removing_staging_previews_and_deletes_its_stacks_keeps_its_releases_and_leaves_the_host_active()
    {
        var host = await world.ActiveHostAsync("trims", EnvironmentKind.Dev, EnvironmentKind.Staging);
        var before = await world.HostAsync(host.Id);
        var staging = before.Environments.Single(e => e.Kind == EnvironmentKind.Staging);
        var release = new Release
        {
            HostEnvironmentId = staging.Id,
            CommitId = new string('a', 40),
            Branch = staging.Branch,
            ClientRequestToken = Guid.NewGuid().ToString(),
            PushedAt = DateTimeOffset.UtcNow,
            State = ReleaseState.Succeeded,
        };
        await world.Portal.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<PortalDbContext>();
            db.Releases.Add(release);
            return await db.SaveChangesAsync();
        });

        var proposed = await ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "trims", Edit(before, o => o.Include(EnvironmentKind.Staging, false))));
        var change = await WaitForChangeAsync(Assert.IsType<ChangeOutcome.Done>(proposed).Change.Id, HostChangeState.Ready);

        Assert.Contains(new FieldChange(HostOrderFields.Environments, "dev, staging", "dev"), change.FieldChanges);
        var deleted = change.Stacks.Where(s => s.Environment == EnvironmentKind.Staging).ToList();
        Assert.Equal([ChangeSetState.Delete, ChangeSetState.Delete], deleted.Select(s => s.Status));
        var software = Assert.Single(deleted, s => s.Layer == "software");
        Assert.Equal(staging.SoftwareStackName, software.StackName);
        Assert.Contains(software.Changes, r => r is { Action: "Remove", ResourceType: "AWS::RDS::DBInstance" });
        Assert.Contains("final snapshot", software.StatusReason);
        Assert.Equal(EnvironmentState.Active, (await world.HostAsync(host.Id)).Environments.Single(e => e.Kind == EnvironmentKind.Staging).State);

        Assert.IsType<ChangeOutcome.Done>(await ChangesAsync(c => c.ConfirmAsync(Customer, host.CustomerId, "trims", change.Id)));
        var active = await Poll.UntilAsync(() => world.HostAsync(host.Id),
            h => h.State is HostState.Active or HostState.Failed && h.Environments.Single(e => e.Kind == EnvironmentKind.Staging).State is EnvironmentState.Decommissioned or EnvironmentState.Failed,
            TimeSpan.FromSeconds(60), "staging to be removed", ProvisioningWorld.Describe);

        Assert.Equal(HostState.Active, active.State);
        var removed = active.Environments.Single(e => e.Kind == EnvironmentKind.Staging);
        Assert.Equal((EnvironmentState.Decommissioned, (int?)null), (removed.State, removed.ListenerPriority));
        var cloudFormation = world.Portal.Services.GetRequiredService<ICloudFormation>();
        Assert.Null(await cloudFormation.DescribeStackAsync(staging.InfrastructureStackName!));
        Assert.Null(await cloudFormation.DescribeStackAsync(staging.SoftwareStackName!));
        Assert.NotNull(await cloudFormation.DescribeStackAsync(before.Environments.Single(e => e.Kind == EnvironmentKind.Dev).SoftwareStackName!));
        var releases = await world.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().Releases.AsNoTracking()
            .Where(r => r.HostEnvironmentId == staging.Id).Select(r => r.Id).ToListAsync());
        Assert.Equal([release.Id], releases);
        Assert.Equal(HostChangeState.Applied, (await ChangeAsync(change.Id)).State);
        Assert.Contains(await AuditAsync(host.Id), a => a.Action == AuditActions.EnvironmentRemoved && a.Details!.Contains("staging"));

        // The host's order no longer has staging: the next edit starts without it.
        Assert.Equal(["dev"], HostOrderMapping.FromHost(active).Environments);
    }

    [Fact]
    public async Task A_removed_environment_ordered_again_is_provisioned_afresh_under_its_names_with_its_old_releases()
    {
        var host = await world.ActiveHostAsync("returns", EnvironmentKind.Dev, EnvironmentKind.Staging);
        var before = await world.HostAsync(host.Id);
        var staging = before.Environments.Single(e => e.Kind == EnvironmentKind.Staging);
        await ConfirmedAsync(host, Edit(before, o => o.Include(EnvironmentKind.Staging, false)));
        var removed = await Poll.UntilAsync(() => world.HostAsync(host.Id),
            h => h.State == HostState.Active && h.Environments.Single(e => e.Kind == EnvironmentKind.Staging).State == EnvironmentState.Decommissioned,
            TimeSpan.FromSeconds(60), "staging to be removed", ProvisioningWorld.Describe);

        var change = await ConfirmedAsync(host, Edit(removed, o =>
        {
            o.Include(EnvironmentKind.Staging, true);
            o.StagingBranch = "release";
        }));
        Assert.Equal([ChangeSetState.Create, ChangeSetState.Create], change.Stacks.Select(s => s.Status));
        var active = await world.WaitForAsync(host.Id, HostState.Active);

        var again = active.Environments.Single(e => e.Kind == EnvironmentKind.Staging);
        Assert.Equal((staging.Id, EnvironmentState.Active, "release"), (again.Id, again.State, again.Branch));
        Assert.Equal((staging.InfrastructureStackName, staging.SoftwareStackName), (again.InfrastructureStackName, again.SoftwareStackName));
        Assert.NotNull(again.ListenerPriority);
        var cloudFormation = world.Portal.Services.GetRequiredService<ICloudFormation>();
        Assert.Equal("CREATE_COMPLETE", (await cloudFormation.DescribeStackAsync(again.SoftwareStackName!))?.StackStatus);
        Assert.NotEqual(staging.SoftwareStackId, again.SoftwareStackId);
    }

    [Fact]
    public async Task Removing_every_environment_or_production_unconfirmed_is_refused_field_by_field_and_nothing_is_written()
    {
        var host = await world.ActiveHostAsync("keeps", EnvironmentKind.Dev, EnvironmentKind.Production);
        var before = await world.HostAsync(host.Id);

        var none = await ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "keeps", Edit(before, o => o.Environments = [])));
        Assert.Contains("keeps at least one environment", Assert.Single(Assert.IsType<ChangeOutcome.Invalid>(none).Errors[HostOrderFields.Environments]));

        var unconfirmed = await ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "keeps", Edit(before, o => o.Include(EnvironmentKind.Production, false))));
        var errors = Assert.IsType<ChangeOutcome.Invalid>(unconfirmed).Errors;
        Assert.Equal([HostOrderFields.ConfirmRemoval], errors.Keys);
        Assert.Contains("Type 'production'", Assert.Single(errors[HostOrderFields.ConfirmRemoval]));

        var mistyped = await ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "keeps", Edit(before, o =>
        {
            o.Include(EnvironmentKind.Production, false);
            o.ConfirmRemoval = "prod";
        })));
        Assert.Contains(HostOrderFields.ConfirmRemoval, Assert.IsType<ChangeOutcome.Invalid>(mistyped).Errors.Keys);

        var after = await world.HostAsync(host.Id);
        Assert.Equal((HostState.Active, before.UpdatedAt), (after.State, after.UpdatedAt));
        Assert.All(after.Environments, e => Assert.Equal(EnvironmentState.Active, e.State));
        Assert.False(await world.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().HostChanges.AnyAsync(c => c.HostId == host.Id)));
        Assert.DoesNotContain(await AuditAsync(host.Id), a => a.Action == AuditActions.HostChangeProposed);

        // Typed, the removal is proposed.
        var confirmed = await ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, "keeps", Edit(before, o =>
        {
            o.Include(EnvironmentKind.Production, false);
            o.ApproverEmails = [];
            o.ConfirmRemoval = " production ";
        })));
        Assert.Contains(new FieldChange(HostOrderFields.Environments, "dev, production", "dev"), Assert.IsType<ChangeOutcome.Done>(confirmed).Change.FieldChanges);
    }

    [Fact]
    public async Task An_environment_that_fits_on_no_shared_load_balancer_is_unavailable_at_confirmation_as_an_order_is()
    {
        await using var crowded = await ProvisioningWorld.StartAsync(new Dictionary<string, string?> { ["Platform:Quotas:RulesPerLoadBalancer"] = "1" });
        var host = await crowded.ActiveHostAsync("crowded", EnvironmentKind.Dev);
        var before = await crowded.HostAsync(host.Id);
        Task<ChangeOutcome> Changes(Func<HostChanges, Task<ChangeOutcome>> call) => crowded.Portal.WithScopeAsync(s => call(s.GetRequiredService<HostChanges>()));

        var proposed = await Changes(c => c.ProposeAsync(Customer, host.CustomerId, "crowded", Edit(before, o => o.Include(EnvironmentKind.Staging, true))));
        var id = Assert.IsType<ChangeOutcome.Done>(proposed).Change.Id;
        await Poll.UntilAsync(() => crowded.Portal.WithScopeAsync(s => s.GetRequiredService<PortalDbContext>().HostChanges.AsNoTracking().SingleAsync(c => c.Id == id)),
            c => c.State != HostChangeState.Preparing, TimeSpan.FromSeconds(30), "the preview", c => $"{c.State} {c.StateReason}");

        var refused = await Changes(c => c.ConfirmAsync(Customer, host.CustomerId, "crowded", id));

        // The platform's capacity refuses it, not the customer's request: unavailable, as an order in its place is (503, not 409).
        var unavailable = Assert.IsType<ChangeOutcome.Unavailable>(refused);
        Assert.Contains("shared load balancers are full", unavailable.Message);
        Assert.EndsWith("The change was not confirmed.", unavailable.Message);
        var project = ProvisioningWorld.NextProject();
        var order = await crowded.Portal.WithScopeAsync(s => s.GetRequiredService<HostOrders>().CreateAsync(Customer, host.CustomerId, new HostOrder
        {
            Name = "crowded-too",
            Plan = "small",
            Environments = ["dev"],
            GitLabProjectPath = project,
            GitLabProjectUrl = $"https://gitlab.example.com/{project}.git",
            GitLabToken = ProvisioningWorld.GitLabToken,
            HealthCheckPath = "/health",
        }));
        Assert.Contains("shared load balancers are full", Assert.IsType<OrderOutcome.Unavailable>(order).Message);
        var after = await crowded.HostAsync(host.Id);
        Assert.Equal((HostState.Active, 1), (after.State, after.Environments.Count));
        Assert.Equal(HostChangeState.Ready, (await crowded.Portal.WithScopeAsync(s =>
            s.GetRequiredService<PortalDbContext>().HostChanges.AsNoTracking().SingleAsync(c => c.Id == id))).State);
    }

    /// <summary>Proposes the edit, waits for its preview and confirms it.</summary>
    private async Task<HostChange> ConfirmedAsync(Host host, HostOrder edit)
    {
        var proposed = await ChangesAsync(c => c.ProposeAsync(Customer, host.CustomerId, host.Name, edit));
        var change = await WaitForChangeAsync(Assert.IsType<ChangeOutcome.Done>(proposed).Change.Id, HostChangeState.Ready);
        var confirmed = await ChangesAsync(c => c.ConfirmAsync(Customer, host.CustomerId, host.Name, change.Id));
        Assert.True(confirmed is ChangeOutcome.Done, $"Confirming answered {confirmed}");
        return change;
    }

    private static HostOrder Edit(Host host, Action<HostOrder> edit)
    {
        var order = HostOrderMapping.FromHost(host);
        edit(order);
        return order;
    }

    private Task<ChangeOutcome> ChangesAsync(Func<HostChanges, Task<ChangeOutcome>> call) =>
        world.Portal.WithScopeAsync(s => call(s.GetRequiredService<HostChanges>()));

    private Task<HostChange> ChangeAsync(Guid id) => world.Portal.WithScopeAsync(s =>
        s.GetRequiredService<PortalDbContext>().HostChanges.AsNoTracking().Include(c => c.Stacks).SingleAsync(c => c.Id == id));

    private Task<List<AuditEntry>> AuditAsync(Guid hostId) => world.Portal.WithScopeAsync(s =>
        s.GetRequiredService<PortalDbContext>().AuditEntries.AsNoTracking().Where(a => a.HostId == hostId).ToListAsync());

    private async Task<HostChange> WaitForChangeAsync(Guid id, HostChangeState state)
    {
        var change = await Poll.UntilAsync(() => ChangeAsync(id), c => c.State == state || c.State == HostChangeState.Failed,
            TimeSpan.FromSeconds(30), $"change {id} to be {state}", c => $"{c.State} {c.StateReason}");
        Assert.True(change.State == state, $"The change is {change.State}: {change.StateReason}");
        return change;
    }
}
