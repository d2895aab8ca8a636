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

    public ProvisionedResource Create(ResourceRequest request)
    {
        var name = PhysicalNames.Given(request, "Name", 32);
        var record = HandlerErrors.Call(Service, () => request.Region.LoadBalancing.CreateLoadBalancer(
            name, request.Text("Scheme") ?? "internet-facing", request.Text("Type") ?? "application", request.Text("IpAddressType") ?? "ipv4",
            request.Texts("SecurityGroups"), Subnets(request)));
        return Describe(record);
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current) =>
        Describe(HandlerErrors.Call(Service, () => request.Region.LoadBalancing.UpdateLoadBalancer(current.PhysicalId, request.Texts("SecurityGroups"), Subnets(request))));

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
