using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// AWS::AutoScaling::AutoScalingGroup: DesiredCapacity (or MinSize) instances, registered as targets of the group's
/// TargetGroupARNs so DescribeTargetHealth has something to report.
/// </summary>
public sealed class AutoScalingGroupProvisioner : IResourceProvisioner
{
    public ResourceKind Kind { get; } = new("AWS::AutoScaling::AutoScalingGroup", new HashSet<string>(), new HashSet<string> { "AutoScalingGroupName" }, NameProperty: "AutoScalingGroupName");

    public ProvisionedResource Create(ResourceRequest request)
    {
        var name = PhysicalNames.Given(request, "AutoScalingGroupName", 255);
        var resource = ProvisionedResource.Of(name);
        Register(request, resource, []);
        return resource;
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        var updated = current.Copy();
        var existing = (updated.Attributes["InstanceIds"] as JsonArray ?? []).Select(i => i!.GetValue<string>()).ToList();
        Register(request, updated, existing);
        return updated;
    }

    public void Delete(ResourceRequest request, ProvisionedResource current) =>
        request.Region.LoadBalancing.SetTargets(current.PhysicalId, [], []);

    /// <summary>Keeps the instances it has, launches or terminates to reach the desired capacity, and registers them.</summary>
    private static void Register(ResourceRequest request, ProvisionedResource resource, List<string> existing)
    {
        var desired = Int(request, "DesiredCapacity") ?? Int(request, "MinSize") ?? 1;
        var instances = existing.Take(desired).Concat(Enumerable.Range(0, Math.Max(0, desired - existing.Count)).Select(_ => Ids.Ec2("i"))).ToList();
        resource.Attributes["InstanceIds"] = new JsonArray(instances.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
        var groups = request.Texts("TargetGroupARNs").Where(request.Region.LoadBalancing.TargetGroupExists).ToList();
        request.Region.LoadBalancing.SetTargets(resource.PhysicalId, groups, instances);
    }

    private static int? Int(ResourceRequest request, string property) =>
        int.TryParse(request.Text(property), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
