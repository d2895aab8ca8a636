using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CertificateManager;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>
/// The load balancers, listeners, rules and target groups of one region, shared by the ELBv2 API and the stack
/// resources that create them. Thread-safe; records are replaced, never changed in place, so callers may read what
/// they were given without a lock. Errors are AWS's (PriorityInUse, ListenerNotFound…); the quotas are the region's
/// (<see cref="LoadBalancingQuotas"/>); listener certificates of this account must be in <paramref name="certificates"/>.
/// </summary>
public sealed partial class LoadBalancingStore(string region, string accountId, LoadBalancingQuotas quotas, CertificateStore certificates)
{
    public const int MaxPriority = 50000;
    private readonly Lock gate = new();
    private LoadBalancingData data = new();

    private string ArnPrefix => $"arn:{Arns.Partition(region)}:elasticloadbalancing:{region}:{accountId}";

    // ---------- load balancers ----------

    public LoadBalancerRecord CreateLoadBalancer(string name, string scheme, string type, string ipAddressType, IReadOnlyList<string> securityGroups, IReadOnlyList<string> subnets,
        bool deletionProtection = false)
    {
        lock (gate)
        {
            if (data.LoadBalancers.Any(lb => lb.Name == name))
                throw new AwsServiceException("DuplicateLoadBalancerName", "A load balancer with the same name already exists");
            var kind = type == "network" ? "net" : type == "gateway" ? "gwy" : "app";
            var record = new LoadBalancerRecord
            {
                Arn = $"{ArnPrefix}:loadbalancer/{kind}/{name}/{Ids.Hex(16)}",
                Name = name,
                DnsName = $"{(scheme == "internal" ? "internal-" : "")}{name}-{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}.{region}.elb.amazonaws.com",
                CanonicalHostedZoneId = HostedZones.For(region),
                Scheme = scheme,
                Type = type,
                IpAddressType = ipAddressType,
                SecurityGroups = [.. securityGroups],
                Subnets = [.. subnets],
                CreatedTime = DateTimeOffset.UtcNow,
                DeletionProtection = deletionProtection,
            };
            data.LoadBalancers.Add(record);
            return record;
        }
    }

    public LoadBalancerRecord UpdateLoadBalancer(string arn, IReadOnlyList<string> securityGroups, IReadOnlyList<string> subnets, bool deletionProtection = false)
    {
        lock (gate)
        {
            var current = LoadBalancer(arn);
            var updated = Clone(current);
            updated.SecurityGroups = [.. securityGroups];
            updated.Subnets = [.. subnets];
            updated.DeletionProtection = deletionProtection;
            Replace(data.LoadBalancers, current, updated);
            return updated;
        }
    }

    /// <summary>Deletes the load balancer with its listeners and their rules; refused while deletion protection is on.</summary>
    public void DeleteLoadBalancer(string arn)
    {
        lock (gate)
        {
            if (data.LoadBalancers.FirstOrDefault(lb => lb.Arn == arn) is { DeletionProtection: true })
                throw new AwsServiceException("OperationNotPermitted", $"Load balancer '{arn}' cannot be deleted because deletion protection is enabled");
            foreach (var listener in data.Listeners.Where(l => l.LoadBalancerArn == arn).ToList())
                RemoveListener(listener.Arn);
            data.LoadBalancers.RemoveAll(lb => lb.Arn == arn);
        }
    }

    // ---------- listeners ----------

    public ListenerRecord CreateListener(string loadBalancerArn, int port, string protocol, string? sslPolicy, IReadOnlyList<string> certificates, IReadOnlyList<RuleAction> defaultActions)
    {
        lock (gate)
        {
            var loadBalancer = LoadBalancer(loadBalancerArn);
            if (data.Listeners.Any(l => l.LoadBalancerArn == loadBalancerArn && l.Port == port))
                throw new AwsServiceException("DuplicateListener", "A listener already exists on this port for this load balancer");
            CheckListener(protocol, certificates, defaultActions, loadBalancerArn, replacing: null);
            var listener = new ListenerRecord
            {
                Arn = $"{ArnPrefix}:listener/{loadBalancer.FullName}/{Ids.Hex(16)}",
                LoadBalancerArn = loadBalancerArn,
                Port = port,
                Protocol = protocol,
                SslPolicy = protocol is "HTTPS" or "TLS" ? sslPolicy ?? "ELBSecurityPolicy-2016-08" : null,
                CertificateArns = [.. certificates],
                DefaultActions = [.. defaultActions],
            };
            data.Listeners.Add(listener);
            data.Rules.Add(DefaultRule(listener));
            return listener;
        }
    }

    public ListenerRecord ModifyListener(string arn, int port, string protocol, string? sslPolicy, IReadOnlyList<string> certificates, IReadOnlyList<RuleAction> defaultActions)
    {
        lock (gate)
        {
            var current = Listener(arn);
            var defaultRule = data.Rules.First(r => r.ListenerArn == arn && r.IsDefault);
            CheckListener(protocol, certificates, defaultActions, current.LoadBalancerArn, replacing: defaultRule.Arn);
            var updated = Clone(current);
            (updated.Port, updated.Protocol, updated.SslPolicy, updated.CertificateArns, updated.DefaultActions) =
                (port, protocol, protocol is "HTTPS" or "TLS" ? sslPolicy ?? current.SslPolicy : null, [.. certificates], [.. defaultActions]);
            Replace(data.Listeners, current, updated);
            var rule = Clone(defaultRule);
            rule.Actions = [.. defaultActions];
            Replace(data.Rules, defaultRule, rule);
            return updated;
        }
    }

    public void DeleteListener(string arn)
    {
        lock (gate) RemoveListener(arn);
    }

    /// <summary>
    /// A listener that exists outside any stack (the platform's shared listener): its load balancer is made up from
    /// the ARN. A listener already known (from a saved state) keeps its rules.
    /// </summary>
    public ListenerRecord Seed(SeedListener seed)
    {
        lock (gate)
        {
            if (data.Listeners.FirstOrDefault(l => l.Arn == seed.ListenerArn) is { } known) return known;
            var parts = seed.ListenerArn.Split(":listener/", 2);
            var path = parts.Length == 2 ? parts[1].Split('/') : [];
            if (path.Length != 4)
                throw AwsServiceException.Validation($"'{seed.ListenerArn}' is not a valid listener ARN");
            var loadBalancerArn = $"{parts[0]}:loadbalancer/{path[0]}/{path[1]}/{path[2]}";
            if (data.LoadBalancers.All(lb => lb.Arn != loadBalancerArn))
                data.LoadBalancers.Add(new LoadBalancerRecord
                {
                    Arn = loadBalancerArn,
                    Name = path[1],
                    DnsName = $"{path[1]}-{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}.{Arns.Region(seed.ListenerArn)}.elb.amazonaws.com",
                    CanonicalHostedZoneId = HostedZones.For(Arns.Region(seed.ListenerArn) ?? region),
                    CreatedTime = DateTimeOffset.UtcNow,
                });
            var listener = new ListenerRecord
            {
                Arn = seed.ListenerArn,
                LoadBalancerArn = loadBalancerArn,
                Port = seed.Port,
                Protocol = seed.Protocol,
                SslPolicy = seed.Protocol is "HTTPS" or "TLS" ? seed.SslPolicy : null,
                CertificateArns = [.. seed.CertificateArns.Take(1)],
                CertificateList = [.. seed.CertificateArns.Skip(1)],
                DefaultActions = [new RuleAction { Type = "fixed-response", Order = 1, FixedResponse = new FixedResponse("503", "text/plain", "host not found") }],
            };
            data.Listeners.Add(listener);
            data.Rules.Add(DefaultRule(listener));
            return listener;
        }
    }

    public IReadOnlyList<ListenerRecord> DescribeListeners(string? loadBalancerArn, IReadOnlyList<string> listenerArns)
    {
        lock (gate)
        {
            if (listenerArns.Count > 0)
            {
                if (listenerArns.Any(arn => data.Listeners.All(l => l.Arn != arn)))
                    throw new AwsServiceException("ListenerNotFound", "One or more listeners not found");
                return data.Listeners.Where(l => listenerArns.Contains(l.Arn)).ToList();
            }
            if (loadBalancerArn is null)
                throw AwsServiceException.Validation("You must specify either listener ARNs or a load balancer ARN");
            LoadBalancer(loadBalancerArn);
            return data.Listeners.Where(l => l.LoadBalancerArn == loadBalancerArn).ToList();
        }
    }

    // ---------- target groups ----------

    public TargetGroupRecord CreateTargetGroup(string name, string protocol, int? port, string? vpcId, string targetType, string? healthCheckPath, string? healthCheckPort)
    {
        lock (gate)
        {
            if (data.TargetGroups.Any(tg => tg.Name == name))
                throw new AwsServiceException("DuplicateTargetGroupName", "A target group with the same name exists, but with different settings");
            if (data.TargetGroups.Count >= quotas.TargetGroupsPerRegion)
                throw new AwsServiceException("TooManyTargetGroups", "You've reached the limit on the number of target groups for your AWS account.");
            var record = new TargetGroupRecord
            {
                Arn = $"{ArnPrefix}:targetgroup/{name}/{Ids.Hex(16)}",
                Name = name,
                Protocol = protocol,
                Port = port,
                VpcId = vpcId,
                TargetType = targetType,
                HealthCheckPath = healthCheckPath,
                HealthCheckPort = healthCheckPort ?? "traffic-port",
            };
            data.TargetGroups.Add(record);
            return record;
        }
    }

    public TargetGroupRecord UpdateTargetGroupHealthCheck(string arn, string? healthCheckPath, string? healthCheckPort)
    {
        lock (gate)
        {
            var current = TargetGroup(arn);
            var updated = Clone(current);
            updated.HealthCheckPath = healthCheckPath;
            updated.HealthCheckPort = healthCheckPort ?? "traffic-port";
            Replace(data.TargetGroups, current, updated);
            return updated;
        }
    }

    public void DeleteTargetGroup(string arn)
    {
        lock (gate)
        {
            var group = TargetGroup(arn);
            if (LoadBalancersOf(arn).Count > 0)
                throw new AwsServiceException("ResourceInUse", $"Target group '{arn}' is currently in use by a listener or a rule");
            data.TargetGroups.Remove(group);
        }
    }

    /// <summary>Replaces the targets <paramref name="source"/> registered (an Auto Scaling group) in every target group with these.</summary>
    public void SetTargets(string source, IReadOnlyList<string> targetGroupArns, IReadOnlyList<string> instanceIds)
    {
        lock (gate)
        {
            foreach (var group in data.TargetGroups.ToList())
            {
                var targets = group.Targets.Where(t => t.Source != source).ToList();
                if (targetGroupArns.Contains(group.Arn))
                    targets.AddRange(instanceIds.Select(id => new TargetRecord(id, group.Port, source)));
                var updated = Clone(group);
                updated.Targets = targets;
                Replace(data.TargetGroups, group, updated);
            }
        }
    }

    public bool TargetGroupExists(string arn)
    {
        lock (gate) return data.TargetGroups.Any(tg => tg.Arn == arn);
    }

    /// <summary>Targets are healthy once the group receives traffic from a load balancer; before that they are unused.</summary>
    public IReadOnlyList<TargetHealth> DescribeTargetHealth(string targetGroupArn)
    {
        lock (gate)
        {
            var group = data.TargetGroups.FirstOrDefault(tg => tg.Arn == targetGroupArn)
                ?? throw new AwsServiceException("TargetGroupNotFound", "One or more target groups not found");
            var inUse = LoadBalancersOf(targetGroupArn).Count > 0;
            return group.Targets.Select(t => inUse
                ? new TargetHealth(t.Id, t.Port, "healthy", null, null)
                : new TargetHealth(t.Id, t.Port, "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer")).ToList();
        }
    }

    /// <summary>The load balancers whose listeners or rules forward to the group.</summary>
    public IReadOnlyList<string> LoadBalancerArnsOf(string targetGroupArn)
    {
        lock (gate) return LoadBalancersOf(targetGroupArn);
    }

    public TargetGroupRecord? FindTargetGroup(string arn)
    {
        lock (gate) return data.TargetGroups.FirstOrDefault(tg => tg.Arn == arn);
    }

    // ---------- persistence ----------

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(data, StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate) data = node?.Deserialize<LoadBalancingData>(StateJson.Options) ?? new LoadBalancingData();
    }

    // ---------- helpers (called with the lock held) ----------

    private List<string> LoadBalancersOf(string targetGroupArn)
    {
        var listeners = data.Rules.Where(r => r.Actions.Any(a => a.TargetGroups.Any(t => t.TargetGroupArn == targetGroupArn))).Select(r => r.ListenerArn).ToHashSet();
        return data.Listeners.Where(l => listeners.Contains(l.Arn)).Select(l => l.LoadBalancerArn).Distinct().ToList();
    }

    private static RuleRecord DefaultRule(ListenerRecord listener) => new()
    {
        Arn = RuleArn(listener),
        ListenerArn = listener.Arn,
        Priority = null,
        Actions = [.. listener.DefaultActions],
    };

    private static string RuleArn(ListenerRecord listener) =>
        listener.Arn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/" + Ids.Hex(16);

    private void RemoveListener(string arn)
    {
        data.Rules.RemoveAll(r => r.ListenerArn == arn);
        data.Listeners.RemoveAll(l => l.Arn == arn);
    }

    private LoadBalancerRecord LoadBalancer(string arn) => data.LoadBalancers.FirstOrDefault(lb => lb.Arn == arn)
        ?? throw new AwsServiceException("LoadBalancerNotFound", "One or more load balancers not found");

    private ListenerRecord Listener(string arn) => data.Listeners.FirstOrDefault(l => l.Arn == arn)
        ?? throw new AwsServiceException("ListenerNotFound", $"Listener '{arn}' not found");

    private RuleRecord Rule(string arn) => data.Rules.FirstOrDefault(r => r.Arn == arn)
        ?? throw new AwsServiceException("RuleNotFound", "One or more rules not found");

    private TargetGroupRecord TargetGroup(string arn) => data.TargetGroups.FirstOrDefault(tg => tg.Arn == arn)
        ?? throw new AwsServiceException("TargetGroupNotFound", "One or more target groups not found");

    private static void Replace<T>(List<T> list, T current, T updated) where T : class => list[list.IndexOf(current)] = updated;

    private static T Clone<T>(T record) => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(record, StateJson.Options), StateJson.Options)!;
}
