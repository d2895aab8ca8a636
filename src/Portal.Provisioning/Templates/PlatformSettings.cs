using System.Text.RegularExpressions;

namespace Portal.Provisioning.Templates;

/// <summary>
/// The shared platform every host stack builds on (section "Platform"): mostly outputs of the platform stack
/// (templates/platform.yaml) plus the names the portal gives hosts.
/// </summary>
public sealed partial class PlatformSettings
{
    public const string Section = "Platform";

    public string Region { get; set; } = "";
    public string VpcId { get; set; } = "";
    public List<string> PublicSubnetIds { get; set; } = [];
    public List<string> PrivateSubnetIds { get; set; } = [];
    public string ArtifactBucket { get; set; } = "";
    public string KmsKeyArn { get; set; } = "";
    public string SharedListenerArn { get; set; } = "";
    public string LoadBalancerSecurityGroupId { get; set; } = "";

    /// <summary>Default host names are &lt;host&gt;-&lt;env&gt;.&lt;customer&gt;.&lt;BaseDomain&gt;.</summary>
    public string BaseDomain { get; set; } = "";

    /// <summary>Image hosts start from until their own AMI is baked; also the Packer source image.</summary>
    public string DefaultAmiId { get; set; } = "";

    /// <summary>
    /// The CloudFormation service role (output CloudFormationServiceRoleArn) every stack call passes as RoleARN: stacks
    /// are created, updated and deleted with its permissions, and the portal's own role needs only iam:PassRole for it.
    /// </summary>
    public string CloudFormationRoleArn { get; set; } = "";

    /// <summary>The platform's permissions boundary (output PermissionsBoundaryArn); every role of a host stack carries it.</summary>
    public string PermissionsBoundaryArn { get; set; } = "";

    /// <summary>The platform's access-log bucket (output AccessLogBucketName), where dedicated load balancers log.</summary>
    public string AccessLogBucket { get; set; } = "";

    /// <summary>The Availability Zones of <see cref="PrivateSubnetIds"/>, in the same order (output PrivateSubnetAvailabilityZones).</summary>
    public List<string> AvailabilityZones { get; set; } = [];

    /// <summary>Route 53 hosted zone of <see cref="BaseDomain"/>; when set, host stacks create alias records for their host names.</summary>
    public string? HostedZoneId { get; set; }

    /// <summary>The shared load balancer's DNS name and canonical hosted zone (outputs), the alias records' target.</summary>
    public string? LoadBalancerDnsName { get; set; }
    public string? LoadBalancerCanonicalHostedZoneId { get; set; }

    /// <summary>
    /// More shared HTTPS listeners (each on a load balancer of its own, with its own DNS name), after the first one
    /// (<see cref="SharedListenerArn"/>): AWS allows 100 rules and 100 target groups per Application Load Balancer, so the
    /// platform grows by adding load balancers and the allocator places each environment on the first with room.
    /// </summary>
    public List<SharedListener> MoreSharedListeners { get; set; } = [];

    /// <summary>The quotas the allocator plans with: AWS's defaults unless the account has had them raised.</summary>
    public LoadBalancerQuotas Quotas { get; set; } = new();

    /// <summary>Every shared listener, the first one (<see cref="SharedListenerArn"/>) first.</summary>
    public IReadOnlyList<SharedListener> SharedListeners() =>
        [new SharedListener { ListenerArn = SharedListenerArn, LoadBalancerDnsName = LoadBalancerDnsName, LoadBalancerCanonicalHostedZoneId = LoadBalancerCanonicalHostedZoneId },
         .. MoreSharedListeners];

    /// <summary>The shared listener of that ARN (an environment's), the first one when it holds none yet.</summary>
    public SharedListener Listener(string? listenerArn) =>
        listenerArn is null ? SharedListeners()[0]
            : SharedListeners().FirstOrDefault(l => l.ListenerArn == listenerArn)
              ?? throw new InvalidOperationException($"The listener {listenerArn} is no longer one of the platform's shared listeners ({Section}:{nameof(MoreSharedListeners)}).");

    /// <summary>The platform's AWS account: the one its shared listener is in.</summary>
    public string AccountId() => SharedListenerArn.Split(':') is { Length: > 4 } parts ? parts[4] : "";


    public string PackerBuildInstanceType { get; set; } = "t3.small";
    public string PackerSshUsername { get; set; } = "ec2-user";

    /// <summary>Throws with a message naming the first missing or malformed setting.</summary>
    public void Validate()
    {
        Require(nameof(Region), Region, RegionPattern());
        Require(nameof(VpcId), VpcId, VpcPattern());
        RequireList(nameof(PublicSubnetIds), PublicSubnetIds);
        RequireList(nameof(PrivateSubnetIds), PrivateSubnetIds);
        Require(nameof(ArtifactBucket), ArtifactBucket, BucketPattern());
        Require(nameof(KmsKeyArn), KmsKeyArn, KmsArnPattern());
        Require(nameof(SharedListenerArn), SharedListenerArn, ListenerArnPattern());
        Require(nameof(LoadBalancerSecurityGroupId), LoadBalancerSecurityGroupId, SecurityGroupPattern());
        Require(nameof(BaseDomain), BaseDomain, DomainPattern());
        Require(nameof(DefaultAmiId), DefaultAmiId, AmiPattern());
        Require(nameof(PackerBuildInstanceType), PackerBuildInstanceType, InstanceTypePattern());
        Require(nameof(PackerSshUsername), PackerSshUsername, UserPattern());
        Require(nameof(PermissionsBoundaryArn), PermissionsBoundaryArn, PolicyArnPattern());
        Require(nameof(CloudFormationRoleArn), CloudFormationRoleArn, RoleArnPattern());
        Require(nameof(AccessLogBucket), AccessLogBucket, BucketPattern());
        if (AvailabilityZones.Count != PrivateSubnetIds.Count || AvailabilityZones.Count is < 2 or > 3)
            throw new InvalidOperationException(
                $"{Section}:{nameof(AvailabilityZones)} must name the zone of each private subnet, in order (2 or 3 zones; got {AvailabilityZones.Count}).");
        for (var i = 0; i < AvailabilityZones.Count; i++)
            Require($"{nameof(AvailabilityZones)}:{i}", AvailabilityZones[i], ZonePattern());
        for (var i = 0; i < MoreSharedListeners.Count; i++)
            Require($"{nameof(MoreSharedListeners)}:{i}:{nameof(SharedListener.ListenerArn)}", MoreSharedListeners[i].ListenerArn, ListenerArnPattern());
        var listeners = SharedListeners();
        if (listeners.Select(l => l.LoadBalancerFullName()).Distinct().Count() != listeners.Count)
            throw new InvalidOperationException($"{Section}:{nameof(MoreSharedListeners)} must name listeners of other load balancers: the quotas are per load balancer.");
        Quotas.Validate();
        if (string.IsNullOrWhiteSpace(HostedZoneId))
            return;
        Require(nameof(HostedZoneId), HostedZoneId, HostedZonePattern());
        // Alias records point at a listener's load balancer: each needs its DNS name and canonical zone.
        for (var i = 0; i < listeners.Count; i++)
        {
            var name = i == 0 ? "" : $"{nameof(MoreSharedListeners)}:{i - 1}:";
            Require(name + nameof(LoadBalancerDnsName), listeners[i].LoadBalancerDnsName ?? "", LoadBalancerDnsPattern());
            Require(name + nameof(LoadBalancerCanonicalHostedZoneId), listeners[i].LoadBalancerCanonicalHostedZoneId ?? "", HostedZonePattern());
        }
    }

    private static void Require(string name, string value, Regex pattern)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException($"{Section}:{name} is required.");
        if (!pattern.IsMatch(value))
            throw new InvalidOperationException($"{Section}:{name} is not valid: '{value}'.");
    }

    private static void RequireList(string name, List<string> values)
    {
        if (values.Count < 2)
            throw new InvalidOperationException($"{Section}:{name} needs at least two subnets in different availability zones.");
        for (var i = 0; i < values.Count; i++)
            Require($"{name}:{i}", values[i], SubnetPattern());
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-\\d$")] private static partial Regex RegionPattern();
    [GeneratedRegex("^vpc-[0-9a-f]{8,17}$")] private static partial Regex VpcPattern();
    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")] private static partial Regex SubnetPattern();
    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")] private static partial Regex BucketPattern();
    [GeneratedRegex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[0-9a-fA-F-]+$")] private static partial Regex KmsArnPattern();
    [GeneratedRegex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:listener/app/.+$")] private static partial Regex ListenerArnPattern();
    [GeneratedRegex("^sg-[0-9a-f]{8,17}$")] private static partial Regex SecurityGroupPattern();
    [GeneratedRegex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$")] private static partial Regex DomainPattern();
    [GeneratedRegex("^ami-[0-9a-f]{8,17}$")] private static partial Regex AmiPattern();
    [GeneratedRegex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$")] private static partial Regex InstanceTypePattern();
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")] private static partial Regex UserPattern();
    [GeneratedRegex("^arn:aws[a-z-]*:iam::\\d{12}:policy/.+$")] private static partial Regex PolicyArnPattern();
    [GeneratedRegex("^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$")] private static partial Regex RoleArnPattern();
    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-\\d[a-z]$")] private static partial Regex ZonePattern();
    [GeneratedRegex("^Z[A-Z0-9]{1,31}$")] private static partial Regex HostedZonePattern();
    [GeneratedRegex("^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$")] private static partial Regex LoadBalancerDnsPattern();
}

/// <summary>One shared HTTPS listener of the platform and its load balancer's DNS name and canonical hosted zone (outputs).</summary>
public sealed class SharedListener
{
    public string ListenerArn { get; set; } = "";
    public string? LoadBalancerDnsName { get; set; }
    public string? LoadBalancerCanonicalHostedZoneId { get; set; }

    /// <summary>app/&lt;name&gt;/&lt;id&gt; of the listener's load balancer, read from its ARN (its metrics' dimension, the quotas' unit).</summary>
    public string LoadBalancerFullName()
    {
        const string marker = ":listener/";
        var start = ListenerArn.IndexOf(marker, StringComparison.Ordinal);
        var parts = start < 0 ? [] : ListenerArn[(start + marker.Length)..].Split('/');
        return parts.Length == 4
            ? string.Join('/', parts[..3])
            : throw new InvalidOperationException($"{PlatformSettings.Section}: the listener ARN is not valid: '{ListenerArn}'.");
    }
}

/// <summary>
/// "Quotas for your Application Load Balancers": 100 rules per load balancer (not counting default rules; adjustable) and
/// 100 target groups per load balancer (not adjustable). Section Platform:Quotas.
/// </summary>
public sealed class LoadBalancerQuotas
{
    public int RulesPerLoadBalancer { get; set; } = 100;
    public int TargetGroupsPerLoadBalancer { get; set; } = 100;

    public void Validate()
    {
        if (RulesPerLoadBalancer < 1 || TargetGroupsPerLoadBalancer is < 1 or > 100)
            throw new InvalidOperationException(
                $"{PlatformSettings.Section}:Quotas: RulesPerLoadBalancer must be at least 1 and TargetGroupsPerLoadBalancer 1 to 100 (AWS's fixed quota).");
    }
}
