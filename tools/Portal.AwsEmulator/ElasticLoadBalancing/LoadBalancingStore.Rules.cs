using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>Listener rules, and the checks rules and listener default actions must pass (priorities, target groups).</summary>
public sealed partial class LoadBalancingStore
{
    public RuleRecord CreateRule(string listenerArn, int priority, IReadOnlyList<RuleCondition> conditions, IReadOnlyList<RuleAction> actions)
    {
        lock (gate)
        {
            var listener = Listener(listenerArn);
            CheckPriority(priority);
            CheckRule(conditions, actions, listener.LoadBalancerArn, replacing: null);
            if (data.Rules.Any(r => r.ListenerArn == listenerArn && r.Priority == priority))
                throw PriorityInUse(priority);
            var listeners = ListenersOf(listener.LoadBalancerArn);
            if (data.Rules.Count(r => !r.IsDefault && listeners.Contains(r.ListenerArn)) >= quotas.RulesPerLoadBalancer)
                throw new AwsServiceException("TooManyRules", $"The maximum number of rules on load balancer {listener.LoadBalancerArn} has been reached");
            var rule = new RuleRecord
            {
                Arn = RuleArn(listener),
                ListenerArn = listenerArn,
                Priority = priority,
                Conditions = [.. conditions],
                Actions = [.. actions],
            };
            data.Rules.Add(rule);
            return rule;
        }
    }

    /// <summary>Changes the conditions and/or actions given (null: unchanged).</summary>
    public RuleRecord ModifyRule(string ruleArn, IReadOnlyList<RuleCondition>? conditions, IReadOnlyList<RuleAction>? actions)
    {
        lock (gate)
        {
            var current = Rule(ruleArn);
            if (current.IsDefault && conditions is { Count: > 0 })
                throw new AwsServiceException("OperationNotPermitted", "Conditions cannot be specified for the default rule");
            var updated = Clone(current);
            if (conditions is not null && !current.IsDefault) updated.Conditions = [.. conditions];
            if (actions is not null) updated.Actions = [.. actions];
            var listener = Listener(current.ListenerArn);
            CheckRule(current.IsDefault ? [new RuleCondition()] : updated.Conditions, updated.Actions, listener.LoadBalancerArn, replacing: current.Arn);
            Replace(data.Rules, current, updated);
            if (current.IsDefault)
            {
                var listenerUpdate = Clone(listener);
                listenerUpdate.DefaultActions = [.. updated.Actions];
                Replace(data.Listeners, listener, listenerUpdate);
            }
            return updated;
        }
    }

    public void DeleteRule(string ruleArn)
    {
        lock (gate)
        {
            var rule = Rule(ruleArn);
            if (rule.IsDefault)
                throw new AwsServiceException("OperationNotPermitted", "Default rule cannot be deleted");
            data.Rules.Remove(rule);
        }
    }

    /// <summary>All priorities change together or none does, as in AWS.</summary>
    public IReadOnlyList<RuleRecord> SetRulePriorities(IReadOnlyList<(string RuleArn, int Priority)> priorities)
    {
        lock (gate)
        {
            var rules = priorities.Select(p => (Rule: Rule(p.RuleArn), p.Priority)).ToList();
            foreach (var (rule, priority) in rules)
            {
                if (rule.IsDefault)
                    throw new AwsServiceException("OperationNotPermitted", "Default rule priority cannot be modified");
                CheckPriority(priority);
            }
            foreach (var group in rules.GroupBy(r => (r.Rule.ListenerArn, r.Priority)).Where(g => g.Count() > 1))
                throw PriorityInUse(group.Key.Priority);
            var moving = rules.Select(r => r.Rule.Arn).ToHashSet();
            foreach (var (rule, priority) in rules)
                if (data.Rules.Any(r => r.ListenerArn == rule.ListenerArn && r.Priority == priority && !moving.Contains(r.Arn)))
                    throw PriorityInUse(priority);
            var updated = new List<RuleRecord>();
            foreach (var (rule, priority) in rules)
            {
                var copy = Clone(rule);
                copy.Priority = priority;
                Replace(data.Rules, rule, copy);
                updated.Add(copy);
            }
            return updated;
        }
    }

    /// <summary>Rules by priority, the default rule last.</summary>
    public IReadOnlyList<RuleRecord> DescribeRules(string? listenerArn, IReadOnlyList<string> ruleArns)
    {
        lock (gate)
        {
            IEnumerable<RuleRecord> rules;
            if (ruleArns.Count > 0)
            {
                if (ruleArns.Any(arn => data.Rules.All(r => r.Arn != arn)))
                    throw new AwsServiceException("RuleNotFound", "One or more rules not found");
                rules = data.Rules.Where(r => ruleArns.Contains(r.Arn));
            }
            else if (listenerArn is not null)
            {
                Listener(listenerArn);
                rules = data.Rules.Where(r => r.ListenerArn == listenerArn);
            }
            else
                throw AwsServiceException.Validation("You must specify either listener or rule ARNs");
            return rules.OrderBy(r => r.Priority ?? int.MaxValue).ToList();
        }
    }

    // ---------- checks (called with the lock held) ----------

    /// <param name="replacing">The listener's default rule when it is modified (its old actions no longer count).</param>
    private void CheckListener(string protocol, IReadOnlyList<string> certificates, IReadOnlyList<RuleAction> defaultActions, string loadBalancerArn,
        string? replacing)
    {
        if (protocol is "HTTPS" or "TLS" && certificates.Count == 0)
            throw new AwsServiceException("CertificateNotFound", "A certificate must be specified for HTTPS listeners");
        if (certificates.Count > 1)
            throw new AwsServiceException("TooManyCertificates", $"Up to '1' certificate ARNs can be specified, but '{certificates.Count}' were specified");
        foreach (var certificate in certificates) CheckCertificate(certificate);
        if (defaultActions.Count == 0)
            throw AwsServiceException.Validation(AwsServiceException.MissingMemberMessage("DefaultActions"));
        CheckActions(defaultActions, loadBalancerArn, replacing);
    }

    /// <param name="replacing">The rule being modified (its old actions no longer count), or null for a new rule.</param>
    private void CheckRule(IReadOnlyList<RuleCondition> conditions, IReadOnlyList<RuleAction> actions, string loadBalancerArn, string? replacing)
    {
        if (conditions.Count == 0)
            throw AwsServiceException.Validation(AwsServiceException.MissingMemberMessage("Conditions"));
        if (actions.Count == 0)
            throw AwsServiceException.Validation(AwsServiceException.MissingMemberMessage("Actions"));
        CheckActions(actions, loadBalancerArn, replacing);
    }

    private void CheckActions(IReadOnlyList<RuleAction> actions, string loadBalancerArn, string? replacing)
    {
        foreach (var action in actions)
        {
            switch (action.Type)
            {
                case "forward" when action.TargetGroups.Count == 0:
                    throw AwsServiceException.Validation("A target group ARN must be specified for a forward action");
                case "fixed-response" when action.FixedResponse is null:
                    throw AwsServiceException.Validation("A fixed response config must be specified for a fixed-response action");
                case "redirect" when action.Redirect is null:
                    throw AwsServiceException.Validation("A redirect config must be specified for a redirect action");
            }
            foreach (var target in action.TargetGroups)
            {
                if (data.TargetGroups.All(tg => tg.Arn != target.TargetGroupArn))
                    throw new AwsServiceException("TargetGroupNotFound", $"Target groups '{target.TargetGroupArn}' not found");
                if (LoadBalancersOf(target.TargetGroupArn).Any(lb => lb != loadBalancerArn))
                    throw new AwsServiceException("TargetGroupAssociationLimit",
                        $"The following target groups cannot be associated with more than one load balancer: {target.TargetGroupArn}");
            }
        }
        CheckTargetGroupQuota(actions, loadBalancerArn, replacing);
    }

    /// <summary>A target group forwarded to by several actions of one load balancer counts once.</summary>
    private void CheckTargetGroupQuota(IReadOnlyList<RuleAction> actions, string loadBalancerArn, string? replacing)
    {
        var listeners = ListenersOf(loadBalancerArn);
        var groups = data.Rules.Where(r => r.Arn != replacing && listeners.Contains(r.ListenerArn))
            .SelectMany(r => r.Actions).Concat(actions)
            .SelectMany(a => a.TargetGroups).Select(t => t.TargetGroupArn).ToHashSet(StringComparer.Ordinal);
        if (groups.Count > quotas.TargetGroupsPerLoadBalancer)
            throw new AwsServiceException("TooManyUniqueTargetGroupsPerLoadBalancer",
                "You've reached the limit on the number of unique target groups per load balancer across all listeners. "
                + "If a target group is used by multiple actions for a load balancer, it is counted as only one use.");
    }

    private HashSet<string> ListenersOf(string loadBalancerArn) =>
        data.Listeners.Where(l => l.LoadBalancerArn == loadBalancerArn).Select(l => l.Arn).ToHashSet(StringComparer.Ordinal);

    private static void CheckPriority(int priority)
    {
        if (priority is < 1 or > MaxPriority)
            throw AwsServiceException.Validation(
                $"1 validation error detected: Value '{priority}' at 'priority' failed to satisfy constraint: Member must have value {(priority < 1 ? "greater than or equal to 1" : $"less than or equal to {MaxPriority}")}");
    }

    private static AwsServiceException PriorityInUse(int priority) => new("PriorityInUse", $"Priority '{priority}' is currently in use");
}
