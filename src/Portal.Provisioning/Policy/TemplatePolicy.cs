using System.Runtime.CompilerServices;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Policy;

/// <summary>
/// The rules every rendered stack must keep before the portal calls CloudFormation, checked over the template as the
/// stack's parameters and conditions make it (a resource switched off by a condition is not checked).
/// </summary>
public sealed class TemplatePolicy
{
    public const string DatabaseNotPublic = "rds-not-public";
    public const string StorageEncrypted = "storage-encrypted";
    public const string ImdsV2Required = "imdsv2-required";
    public const string HttpsTls12 = "https-tls12";
    public const string NoOpenIngress = "no-open-ingress";
    public const string DatabaseDeletionProtection = "rds-deletion-protection";

    /// <summary>ELB policies whose minimum protocol is TLS 1.2 or newer.</summary>
    public static readonly IReadOnlySet<string> Tls12Policies = new HashSet<string>(StringComparer.Ordinal)
    {
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
        "ELBSecurityPolicy-FS-1-2-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    };

    private static readonly IReadOnlySet<string> WebPorts = new HashSet<string> { "80", "443" };

    // Every stack of a kind shares the catalog's body instance, so each template is parsed once; the parsed tree is only read.
    private readonly ConditionalWeakTable<string, Dictionary<string, object?>> _parsed = new();

    public IReadOnlyList<PolicyViolation> Check(RenderedStack stack)
    {
        var resources = new TemplateEvaluator(_parsed.GetValue(stack.TemplateBody, CloudFormationYaml.Parse), stack.Parameters).Resources();
        var loadBalancerGroups = LoadBalancerSecurityGroups(resources);
        var violations = new List<PolicyViolation>();
        foreach (var resource in resources)
        {
            var found = resource.Type switch
            {
                "AWS::RDS::DBInstance" => CheckDatabase(resource, enforceDeletionProtection: stack.IsProduction && stack.Purpose != StackPurpose.Decommission),
                "AWS::EC2::LaunchTemplate" => CheckLaunchTemplate(resource),
                "AWS::EC2::Volume" => Require(resource, StorageEncrypted, "Encrypted", resource.Properties),
                "AWS::S3::Bucket" => CheckBucket(resource),
                "AWS::ElasticLoadBalancingV2::Listener" => CheckListener(resource),
                "AWS::EC2::SecurityGroup" => CheckIngressRules(resource, resource.LogicalId, Get(resource.Properties, "SecurityGroupIngress") as List<object?> ?? [], loadBalancerGroups),
                "AWS::EC2::SecurityGroupIngress" => CheckIngressRules(resource, ReferencedResource(Get(resource.Properties, "GroupId")), [resource.Properties], loadBalancerGroups),
                _ => [],
            };
            violations.AddRange(found);
        }
        return violations;
    }

    /// <summary>Throws <see cref="PolicyViolationException"/> naming every broken rule and resource.</summary>
    public void EnsureCompliant(RenderedStack stack)
    {
        var violations = Check(stack);
        if (violations.Count > 0)
            throw new PolicyViolationException(stack, violations);
    }

    private static IEnumerable<PolicyViolation> CheckDatabase(EvaluatedResource database, bool enforceDeletionProtection)
    {
        var properties = database.Properties;
        var publicly = Get(properties, "PubliclyAccessible");
        if (!IsFalse(publicly))
            yield return new(DatabaseNotPublic, database.LogicalId, IsTrue(publicly) ? "sets PubliclyAccessible true" : "does not set PubliclyAccessible false");
        foreach (var violation in Require(database, StorageEncrypted, "StorageEncrypted", properties))
            yield return violation;
        if (enforceDeletionProtection && !IsTrue(Get(properties, "DeletionProtection")))
            yield return new(DatabaseDeletionProtection, database.LogicalId, "is a production database without DeletionProtection true");
    }

    private static IEnumerable<PolicyViolation> CheckLaunchTemplate(EvaluatedResource launchTemplate)
    {
        var data = Get(launchTemplate.Properties, "LaunchTemplateData");
        if (Get(data, "MetadataOptions", "HttpTokens") as string != "required")
            yield return new(ImdsV2Required, launchTemplate.LogicalId, "does not set MetadataOptions.HttpTokens required (IMDSv2)");
        var volumes = (Get(data, "BlockDeviceMappings") as List<object?> ?? []).Select(m => Get(m, "Ebs")).Where(e => e is not null).ToList();
        if (volumes.Count == 0)
            yield return new(StorageEncrypted, launchTemplate.LogicalId, "declares no EBS volume with Encrypted true");
        else if (volumes.Any(ebs => !IsTrue(Get(ebs, "Encrypted"))))
            yield return new(StorageEncrypted, launchTemplate.LogicalId, "has an EBS volume without Encrypted true");
    }

    private static IEnumerable<PolicyViolation> CheckBucket(EvaluatedResource bucket)
    {
        var rules = Get(bucket.Properties, "BucketEncryption", "ServerSideEncryptionConfiguration") as List<object?> ?? [];
        if (rules.Count == 0 || rules.Any(rule => Get(rule, "ServerSideEncryptionByDefault", "SSEAlgorithm") is not string))
            yield return new(StorageEncrypted, bucket.LogicalId, "has no default encryption (BucketEncryption)");
    }

    private static IEnumerable<PolicyViolation> CheckListener(EvaluatedResource listener)
    {
        if (Get(listener.Properties, "Protocol") as string != "HTTPS")
            yield break;
        var policy = Get(listener.Properties, "SslPolicy") as string;
        if (policy is null || !Tls12Policies.Contains(policy))
            yield return new(HttpsTls12, listener.LogicalId, $"uses SslPolicy {policy ?? "(default, allows TLS 1.0)"}, not a TLS 1.2+ policy");
    }

    private static IEnumerable<PolicyViolation> CheckIngressRules(EvaluatedResource resource, string? groupId, IEnumerable<object?> rules, IReadOnlySet<string> loadBalancerGroups)
    {
        foreach (var rule in rules)
        {
            var source = Get(rule, "CidrIp") as string == "0.0.0.0/0" ? "0.0.0.0/0" : Get(rule, "CidrIpv6") as string == "::/0" ? "::/0" : null;
            if (source is null)
                continue;
            var webPortOnly = Get(rule, "IpProtocol") is "tcp" or "6"
                && Get(rule, "FromPort") is string from && WebPorts.Contains(from) && Get(rule, "ToPort") as string == from;
            if (!webPortOnly || groupId is null || !loadBalancerGroups.Contains(groupId))
                yield return new(NoOpenIngress, resource.LogicalId,
                    $"allows ingress from {source} on {Describe(rule)}; only ports 80 and 443 of a load balancer's security group may be open to the internet");
        }
    }

    private static IEnumerable<PolicyViolation> Require(EvaluatedResource resource, string ruleId, string property, Dictionary<string, object?> properties)
    {
        if (!IsTrue(Get(properties, property)))
            yield return new(ruleId, resource.LogicalId, $"does not set {property} true");
    }

    /// <summary>Security groups attached to a load balancer of this stack.</summary>
    private static HashSet<string> LoadBalancerSecurityGroups(IEnumerable<EvaluatedResource> resources) =>
        resources.Where(r => r.Type == "AWS::ElasticLoadBalancingV2::LoadBalancer")
            .SelectMany(r => Get(r.Properties, "SecurityGroups") as List<object?> ?? [])
            .Select(ReferencedResource)
            .OfType<string>()
            .ToHashSet();

    /// <summary>The logical id in { "Ref": X } or { "Fn::GetAtt": [X, ...] }.</summary>
    private static string? ReferencedResource(object? value) => value switch
    {
        Dictionary<string, object?> d when d.GetValueOrDefault("Ref") is string id => id,
        Dictionary<string, object?> d when d.GetValueOrDefault("Fn::GetAtt") is List<object?> { Count: > 0 } args => args[0] as string,
        _ => null,
    };

    private static object? Get(object? value, params string[] path)
    {
        foreach (var key in path)
            value = value is Dictionary<string, object?> d ? d.GetValueOrDefault(key) : null;
        return value;
    }

    private static bool IsTrue(object? value) => value is string text && text.Equals("true", StringComparison.OrdinalIgnoreCase);

    private static bool IsFalse(object? value) => value is string text && text.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static string Describe(object? rule) =>
        $"{Get(rule, "IpProtocol") ?? "?"} {Get(rule, "FromPort") as string ?? "?"}-{Get(rule, "ToPort") as string ?? "?"}";
}
