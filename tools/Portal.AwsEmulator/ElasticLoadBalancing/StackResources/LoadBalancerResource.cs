using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.ElasticLoadBalancing.StackResources;

/// <summary>AWS::ElasticLoadBalancingV2::LoadBalancer: joins the region's load balancing model.</summary>
public sealed class LoadBalancerResource : IResourceProvisioner
{
    public const string Service = "ElasticLoadBalancingV2";

    public ResourceKind Kind { get; } = new("AWS::ElasticLoadBalancingV2::LoadBalancer",
        new HashSet<string> { "CanonicalHostedZoneID", "DNSName", "LoadBalancerArn", "LoadBalancerFullName", "LoadBalancerName", "SecurityGroups" },
        new HashSet<string> { "Name", "Scheme", "Type" }, NameProperty: "Name");

    /// <summary>The attribute keys an Application Load Balancer accepts ("Load balancer attributes", ELB user guide).</summary>
    private static readonly HashSet<string> ApplicationAttributes = new(StringComparer.Ordinal)
    {
        "access_logs.s3.enabled", "access_logs.s3.bucket", "access_logs.s3.prefix", "client_keep_alive.seconds",
        "connection_logs.s3.enabled", "connection_logs.s3.bucket", "connection_logs.s3.prefix", "deletion_protection.enabled",
        "health_check_logs.s3.enabled", "health_check_logs.s3.bucket", "health_check_logs.s3.prefix", "idle_timeout.timeout_seconds",
        "ipv6.deny_all_igw_traffic", "routing.http.desync_mitigation_mode", "routing.http.drop_invalid_header_fields.enabled",
        "routing.http.preserve_host_header.enabled", "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
        "routing.http.xff_client_port.enabled", "routing.http.xff_header_processing.mode", "routing.http2.enabled",
        "waf.fail_open.enabled", "zonal_shift.config.enabled",
    };

    public ProvisionedResource Create(ResourceRequest request)
    {
        var name = PhysicalNames.Given(request, "Name", 32);
        var type = request.Text("Type") ?? "application";
        var record = HandlerErrors.Call(Service, () => request.Region.LoadBalancing.CreateLoadBalancer(
            name, request.Text("Scheme") ?? "internet-facing", type, request.Text("IpAddressType") ?? "ipv4",
            request.Texts("SecurityGroups"), Subnets(request), DeletionProtection(request, type)));
        return Describe(record);
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current) =>
        Describe(HandlerErrors.Call(Service, () => request.Region.LoadBalancing.UpdateLoadBalancer(
            current.PhysicalId, request.Texts("SecurityGroups"), Subnets(request), DeletionProtection(request, request.Text("Type") ?? "application"))));

    /// <summary>Reads deletion_protection.enabled, refusing keys an Application Load Balancer does not know, as AWS does.</summary>
    private static bool DeletionProtection(ResourceRequest request, string type)
    {
        var protection = false;
        foreach (var attribute in (request.Properties["LoadBalancerAttributes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = TemplateText.AsString(attribute["Key"]) ?? "";
            if (type == "application" && !ApplicationAttributes.Contains(key))
                throw HandlerErrors.Failure(Service, $"Load balancer attribute key '{key}' is not recognized", handlerCode: "InvalidRequest");
            if (key == "deletion_protection.enabled")
                protection = TemplateText.AsString(attribute["Value"]) == "true";
        }
        return protection;
    }

    public void Delete(ResourceRequest request, ProvisionedResource current) =>
        HandlerErrors.Call(Service, () => request.Region.LoadBalancing.DeleteLoadBalancer(current.PhysicalId));

    private static IReadOnlyList<string> Subnets(ResourceRequest request) => request.Texts("Subnets") is { Count: > 0 } subnets
        ? subnets
        : (request.Properties["SubnetMappings"] as JsonArray ?? []).OfType<JsonObject>().Select(m => TemplateText.AsString(m["SubnetId"])).OfType<string>().ToList();

    private static ProvisionedResource Describe(LoadBalancerRecord record) => ProvisionedResource.Of(record.Arn,
        ("CanonicalHostedZoneID", record.CanonicalHostedZoneId), ("DNSName", record.DnsName), ("LoadBalancerArn", record.Arn),
        ("LoadBalancerFullName", record.FullName), ("LoadBalancerName", record.Name),
        ("SecurityGroups", new JsonArray(record.SecurityGroups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray())));
}
