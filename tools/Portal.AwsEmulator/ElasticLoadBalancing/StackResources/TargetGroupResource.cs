using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;

namespace Portal.AwsEmulator.ElasticLoadBalancing.StackResources;

/// <summary>AWS::ElasticLoadBalancingV2::TargetGroup: a target group whose targets are the instances of the Auto Scaling groups attached to it.</summary>
public sealed class TargetGroupResource : IResourceProvisioner
{
    public ResourceKind Kind { get; } = new("AWS::ElasticLoadBalancingV2::TargetGroup",
        new HashSet<string> { "LoadBalancerArns", "TargetGroupArn", "TargetGroupFullName", "TargetGroupName" },
        new HashSet<string> { "Name", "Port", "Protocol", "ProtocolVersion", "TargetType", "VpcId", "IpAddressType" }, NameProperty: "Name");

    public ProvisionedResource Create(ResourceRequest request)
    {
        var name = PhysicalNames.Given(request, "Name", 32);
        var port = int.TryParse(request.Text("Port"), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : (int?)null;
        var group = HandlerErrors.Call(LoadBalancerResource.Service, () => request.Region.LoadBalancing.CreateTargetGroup(
            name, request.Text("Protocol") ?? "HTTP", port, request.Text("VpcId"), request.Text("TargetType") ?? "instance",
            request.Text("HealthCheckPath"), request.Text("HealthCheckPort")));
        return ProvisionedResource.Of(group.Arn, ("TargetGroupArn", group.Arn), ("TargetGroupName", group.Name),
            ("TargetGroupFullName", group.FullName), ("LoadBalancerArns", new JsonArray()));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        HandlerErrors.Call(LoadBalancerResource.Service, () =>
            request.Region.LoadBalancing.UpdateTargetGroupHealthCheck(current.PhysicalId, request.Text("HealthCheckPath"), request.Text("HealthCheckPort")));
        var updated = current.Copy();
        updated.Attributes["LoadBalancerArns"] = new JsonArray(request.Region.LoadBalancing.LoadBalancerArnsOf(current.PhysicalId)
            .Select(arn => (JsonNode?)JsonValue.Create(arn)).ToArray());
        return updated;
    }

    public void Delete(ResourceRequest request, ProvisionedResource current) =>
        HandlerErrors.Call(LoadBalancerResource.Service, () => request.Region.LoadBalancing.DeleteTargetGroup(current.PhysicalId));
}
