using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.ElasticLoadBalancing.StackResources;

/// <summary>
/// AWS::ElasticLoadBalancingV2::ListenerCertificate: one certificate in a listener's certificate list (the portal adds
/// a customer's certificate to the shared HTTPS listener). Changing the certificate swaps it; another listener is a new resource.
/// </summary>
public sealed class ListenerCertificateResource : IResourceProvisioner
{
    public ResourceKind Kind { get; } = new("AWS::ElasticLoadBalancingV2::ListenerCertificate", new HashSet<string>(), new HashSet<string> { "ListenerArn" });

    public ProvisionedResource Create(ResourceRequest request)
    {
        var listenerArn = request.Text("ListenerArn") ?? "";
        HandlerErrors.Call(LoadBalancerResource.Service, () => request.Region.LoadBalancing.AddListenerCertificates(listenerArn, Certificates(request.Properties)));
        return ProvisionedResource.Of(PhysicalNames.Generate(request));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        var listenerArn = request.Text("ListenerArn") ?? "";
        var store = request.Region.LoadBalancing;
        var removed = Certificates(previousProperties).Except(Certificates(request.Properties)).ToList();
        HandlerErrors.Call(LoadBalancerResource.Service, () =>
        {
            store.AddListenerCertificates(listenerArn, Certificates(request.Properties));
            if (removed.Count > 0) store.RemoveListenerCertificates(listenerArn, removed);
        });
        return current.Copy();
    }

    public void Delete(ResourceRequest request, ProvisionedResource current)
    {
        try
        {
            request.Region.LoadBalancing.RemoveListenerCertificates(request.Text("ListenerArn") ?? "", Certificates(request.Properties));
        }
        catch (Protocol.AwsServiceException error) when (error.Code == "ListenerNotFound")
        {
            // The listener went first (deleted with its load balancer): the certificate left the list with it.
        }
    }

    private static List<string> Certificates(JsonObject properties) =>
        (properties["Certificates"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => TemplateText.AsString(c["CertificateArn"])).OfType<string>().ToList();
}
