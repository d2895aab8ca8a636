using Microsoft.EntityFrameworkCore;
using Portal.Aws;
using Portal.Aws.ElasticLoadBalancing;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Stacks;

/// <summary>
/// How full each shared load balancer is against AWS's quotas ("Quotas for your Application Load Balancers": 100 rules
/// per load balancer, not counting default rules, and 100 target groups per load balancer): the rules and target groups
/// DescribeRules lists, plus those of environments that hold a priority whose rule is not created yet. An environment on
/// the shared listener needs one rule and one target group (two under blue/green); a production environment with a custom
/// domain uses its own load balancer and needs none there, though it holds a priority (one rule, counted to be safe).
/// </summary>
public sealed class ListenerCapacity(ListenerRulePriorities loadBalancer, PlatformSettings platform)
{
    /// <summary>What one environment takes from a shared load balancer.</summary>
    public sealed record Need(int Rules, int TargetGroups);

    /// <summary>A shared listener and what its load balancer still has room for.</summary>
    public sealed record Room(SharedListener Listener, int Rules, int TargetGroups)
    {
        public bool Fits(Need need) => need.Rules <= Rules && need.TargetGroups <= TargetGroups;

        public Room Less(Need need) => this with { Rules = Rules - need.Rules, TargetGroups = TargetGroups - need.TargetGroups };

        public string Describe(LoadBalancerQuotas quotas) =>
            $"{Listener.LoadBalancerFullName()}: {quotas.RulesPerLoadBalancer - Rules} of {quotas.RulesPerLoadBalancer} rules and " +
            $"{quotas.TargetGroupsPerLoadBalancer - TargetGroups} of {quotas.TargetGroupsPerLoadBalancer} target groups used";
    }

    public static Need NeedOf(EnvironmentKind kind, DeploymentStyle style, string? customDomain) =>
        kind == EnvironmentKind.Production && !string.IsNullOrWhiteSpace(customDomain) ? new Need(1, 0)
        : kind == EnvironmentKind.Production && style == DeploymentStyle.BlueGreen ? new Need(1, 2)
        : new Need(1, 1);

    public static Need NeedOf(HostEnvironment environment, Host host) => NeedOf(environment.Kind, host.DeploymentStyle, host.Domain.CustomDomain);

    /// <summary>A shared listener and the rules DescribeRules lists on it.</summary>
    public sealed record Listing(SharedListener Listener, IReadOnlyList<ListenerRuleInfo> Rules)
    {
        public int[] Priorities() => Rules.Select(r => r.NumericPriority).OfType<int>().ToArray();
    }

    /// <summary>Every shared listener's room now, in the platform's order.</summary>
    public async Task<IReadOnlyList<Room>> RoomAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await RoomAsync(db, await ListAsync(cancellationToken), cancellationToken);

    /// <summary>Every shared listener's rules at AWS, in the platform's order (read before a caller takes a lock).</summary>
    public async Task<IReadOnlyList<Listing>> ListAsync(CancellationToken cancellationToken)
    {
        var listings = new List<Listing>();
        foreach (var listener in platform.SharedListeners())
        {
            try
            {
                listings.Add(new Listing(listener, await loadBalancer.RulesAsync(listener.ListenerArn, cancellationToken)));
            }
            catch (AwsNotFoundException e)
            {
                throw new ProvisioningRefusedException($"The shared platform is not ready: its listener {listener.ListenerArn} was not found ({e.Code}). " +
                    "An operator must deploy the platform stack and set Platform:SharedListenerArn.");
            }
        }
        return listings;
    }

    /// <summary>
    /// The room on each listed listener: its rules at AWS and the allocations the database holds now, read in one query
    /// (placements take turns on a lock around this, so it is kept short).
    /// </summary>
    public async Task<IReadOnlyList<Room>> RoomAsync(PortalDbContext db, IReadOnlyList<Listing> listings, CancellationToken cancellationToken)
    {
        var arns = listings.Select(l => l.Listener.ListenerArn).ToList();
        var held = (await db.ListenerPriorityAllocations.AsNoTracking()
                .Where(a => arns.Contains(a.ListenerArn))
                .Select(a => new { a.ListenerArn, a.Priority, a.HostEnvironment.Kind, a.HostEnvironment.Host.DeploymentStyle, a.HostEnvironment.Host.Domain.CustomDomain })
                .ToListAsync(cancellationToken))
            .ToLookup(a => a.ListenerArn, a => (a.Priority, Need: NeedOf(a.Kind, a.DeploymentStyle, a.CustomDomain)), StringComparer.Ordinal);
        return listings.Select(listing => RoomOf(listing, held[listing.Listener.ListenerArn].ToDictionary(h => h.Priority, h => h.Need))).ToList();
    }

    /// <summary>
    /// Null when every one of <paramref name="needs"/> finds a shared load balancer with room, else the refusal in words
    /// for the customer and the operator.
    /// </summary>
    public async Task<string?> RefusalAsync(PortalDbContext db, IReadOnlyList<Need> needs, CancellationToken cancellationToken)
    {
        var rooms = (await RoomAsync(db, cancellationToken)).ToList();
        foreach (var need in needs)
        {
            var index = rooms.FindIndex(r => r.Fits(need));
            if (index < 0) return Full(rooms);
            rooms[index] = rooms[index].Less(need);
        }
        return null;
    }

    /// <summary>
    /// <see cref="RefusalAsync"/> with the platform's and AWS's refusals in words too: what an order, or a change that adds
    /// environments, asks before anything is made.
    /// </summary>
    public async Task<string?> PlacementRefusalAsync(PortalDbContext db, IReadOnlyList<Need> needs, CancellationToken cancellationToken)
    {
        try
        {
            return await RefusalAsync(db, needs, cancellationToken);
        }
        catch (ProvisioningRefusedException e)
        {
            return e.Message;
        }
        catch (AwsException e) when (e.Retryable)
        {
            return $"The shared load balancers could not be read ({e.Code}); try again in a moment.";
        }
    }

    public string Full(IReadOnlyList<Room> rooms) =>
        "The platform's shared load balancers are full (" + string.Join("; ", rooms.Select(r => r.Describe(platform.Quotas))) +
        "). An operator must add a shared load balancer (Platform:MoreSharedListeners) before more host environments can be placed.";

    /// <param name="ours">What the environments holding a priority on the listener take, by priority.</param>
    private Room RoomOf(Listing listing, Dictionary<int, Need> ours)
    {
        var (listener, rules) = listing;
        var listed = rules.Where(r => !r.IsDefault).Select(r => r.NumericPriority).OfType<int>().ToHashSet();

        // Rules made outside the portal (and the default action) count with the target groups they forward to.
        var foreignTargetGroups = rules.Where(r => r.IsDefault || r.NumericPriority is not { } p || !ours.ContainsKey(p))
            .SelectMany(r => r.Actions.Where(a => a.Type == "forward").Select(a => a.TargetGroupArn ?? r.RuleArn))
            .Distinct(StringComparer.Ordinal).Count();
        var usedRules = listed.Count + ours.Keys.Count(p => !listed.Contains(p));
        var usedTargetGroups = foreignTargetGroups + ours.Values.Sum(n => n.TargetGroups);
        return new Room(listener, platform.Quotas.RulesPerLoadBalancer - usedRules, platform.Quotas.TargetGroupsPerLoadBalancer - usedTargetGroups);
    }
}
