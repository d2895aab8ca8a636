namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// A resource type the emulator only needs to name: a physical id and the attributes Fn::GetAtt asks for, made by
/// <paramref name="create"/>. An update keeps them unless <paramref name="update"/> says otherwise.
/// </summary>
public sealed class SimpleResourceProvisioner(
    ResourceKind kind,
    Func<ResourceRequest, ProvisionedResource> create,
    Func<ResourceRequest, ProvisionedResource, ProvisionedResource>? update = null) : IResourceProvisioner
{
    public ResourceKind Kind { get; } = kind;

    public ProvisionedResource Create(ResourceRequest request) => create(request);

    public ProvisionedResource Update(ResourceRequest request, System.Text.Json.Nodes.JsonObject previousProperties, ProvisionedResource current) =>
        update is null ? current.Copy() : update(request, current.Copy());

    public void Delete(ResourceRequest request, ProvisionedResource current)
    {
    }
}
