namespace Portal.AwsEmulator.ElasticLoadBalancing;

public sealed class LoadBalancerRecord
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";
    public string DnsName { get; set; } = "";
    public string CanonicalHostedZoneId { get; set; } = "";
    public string Scheme { get; set; } = "internet-facing";
    public string Type { get; set; } = "application";
    public string IpAddressType { get; set; } = "ipv4";
    public string? VpcId { get; set; }
    public List<string> SecurityGroups { get; set; } = [];
    public List<string> Subnets { get; set; } = [];
    public DateTimeOffset CreatedTime { get; set; }

    /// <summary>The deletion_protection.enabled attribute: DeleteLoadBalancer refuses while it is on.</summary>
    public bool DeletionProtection { get; set; }

    /// <summary>"app/name/id", as CloudWatch dimensions and the LoadBalancerFullName attribute show it.</summary>
    public string FullName => Arn[(Arn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];
}

public sealed class ListenerRecord
{
    public string Arn { get; set; } = "";
    public string LoadBalancerArn { get; set; } = "";
    public int Port { get; set; }
    public string Protocol { get; set; } = "HTTP";
    public string? SslPolicy { get; set; }

    /// <summary>The default certificate (one at most); DescribeListeners shows only this.</summary>
    public List<string> CertificateArns { get; set; } = [];

    /// <summary>The certificate list beside the default (AddListenerCertificates, AWS::ElasticLoadBalancingV2::ListenerCertificate).</summary>
    public List<string> CertificateList { get; set; } = [];
    public List<RuleAction> DefaultActions { get; set; } = [];
}

public sealed class RuleRecord
{
    public string Arn { get; set; } = "";
    public string ListenerArn { get; set; } = "";

    /// <summary>1..50000; null for the default rule.</summary>
    public int? Priority { get; set; }
    public List<RuleCondition> Conditions { get; set; } = [];
    public List<RuleAction> Actions { get; set; } = [];

    public bool IsDefault => Priority is null;
}

/// <summary>host-header, path-pattern, http-request-method, source-ip (Values); http-header (HttpHeaderName + Values); query-string (pairs).</summary>
public sealed class RuleCondition
{
    public string Field { get; set; } = "";
    public List<string> Values { get; set; } = [];
    public string? HttpHeaderName { get; set; }
    public List<KeyValuePair<string?, string>> QueryStrings { get; set; } = [];
}

/// <summary>forward, fixed-response or redirect (authenticate-* are kept as their type only).</summary>
public sealed class RuleAction
{
    public string Type { get; set; } = "forward";
    public int? Order { get; set; }
    public List<WeightedTargetGroup> TargetGroups { get; set; } = [];
    public FixedResponse? FixedResponse { get; set; }
    public Redirect? Redirect { get; set; }
}

public sealed record WeightedTargetGroup(string TargetGroupArn, int? Weight);

public sealed record FixedResponse(string StatusCode, string? ContentType, string? MessageBody);

public sealed record Redirect(string StatusCode, string? Protocol, string? Port, string? Host, string? Path, string? Query);

public sealed class TargetGroupRecord
{
    public string Arn { get; set; } = "";
    public string Name { get; set; } = "";
    public string Protocol { get; set; } = "HTTP";
    public int? Port { get; set; }
    public string? VpcId { get; set; }
    public string TargetType { get; set; } = "instance";
    public string? HealthCheckPath { get; set; }
    public string? HealthCheckPort { get; set; }

    /// <summary>Targets and who registered them (an Auto Scaling group's name).</summary>
    public List<TargetRecord> Targets { get; set; } = [];

    public string FullName => Arn[(Arn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];
}

public sealed record TargetRecord(string Id, int? Port, string Source);

/// <summary>Everything the load balancing store holds for one region, as persisted.</summary>
public sealed class LoadBalancingData
{
    public List<LoadBalancerRecord> LoadBalancers { get; set; } = [];
    public List<ListenerRecord> Listeners { get; set; } = [];
    public List<RuleRecord> Rules { get; set; } = [];
    public List<TargetGroupRecord> TargetGroups { get; set; } = [];
}

/// <summary>What DescribeTargetHealth reports for one target.</summary>
public sealed record TargetHealth(string Id, int? Port, string State, string? Reason, string? Description);
