using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.ElasticLoadBalancing.StackResources;

/// <summary>AWS::ElasticLoadBalancingV2::Listener: a listener with its default rule in the load balancing model.</summary>
public sealed class ListenerResource : IResourceProvisioner
{
    public ResourceKind Kind { get; } = new("AWS::ElasticLoadBalancingV2::Listener",
        new HashSet<string> { "ListenerArn" },
        new HashSet<string> { "LoadBalancerArn" });

    public ProvisionedResource Create(ResourceRequest request)
    {
        var listener = HandlerErrors.Call(LoadBalancerResource.Service, () => request.Region.LoadBalancing.CreateListener(
            request.Text("LoadBalancerArn") ?? "", Port(request), request.Text("Protocol") ?? "HTTP", request.Text("SslPolicy"),
            Certificates(request), RuleParts.Actions(request.Properties["DefaultActions"])));
        return ProvisionedResource.Of(listener.Arn, ("ListenerArn", listener.Arn));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        HandlerErrors.Call(LoadBalancerResource.Service, () => request.Region.LoadBalancing.ModifyListener(
            current.PhysicalId, Port(request), request.Text("Protocol") ?? "HTTP", request.Text("SslPolicy"),
            Certificates(request), RuleParts.Actions(request.Properties["DefaultActions"])));
        return current.Copy();
    }

    public void Delete(ResourceRequest request, ProvisionedResource current) =>
        HandlerErrors.Call(LoadBalancerResource.Service, () => request.Region.LoadBalancing.DeleteListener(current.PhysicalId));

    private static int Port(ResourceRequest request) =>
        int.TryParse(request.Text("Port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 80;

    private static List<string> Certificates(ResourceRequest request) =>
        (request.Properties["Certificates"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => TemplateText.AsString(c["CertificateArn"])).OfType<string>().ToList();
}
