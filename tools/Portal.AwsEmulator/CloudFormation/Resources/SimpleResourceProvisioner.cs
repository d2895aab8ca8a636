namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// A resource type the emulator only needs to name: a physical id and the attributes Fn::GetAtt asks for, made by
/// <paramref name="create"/>. An update keeps them unless <paramref name="update"/> says otherwise. A name the
/// template gives (the kind's NameProperty) must be free in the region.
/// </summary>
public sealed class SimpleResourceProvisioner(
    ResourceKind kind,
    Func<ResourceRequest, ProvisionedResource> create,
    Func<ResourceRequest, ProvisionedResource, ProvisionedResource>? update = null) : IResourceProvisioner
{
    public ResourceKind Kind { get; } = kind;

    public ProvisionedResource Create(ResourceRequest request)
    {
        if (GivenName(request) is { } name && !request.Region.Names.TryClaim(Kind.Type, name))
            throw HandlerErrors.Failure(Kind.Type.Split("::")[1], $"{name} already exists", handlerCode: "AlreadyExists");
        return create(request);
    }

    public ProvisionedResource Update(ResourceRequest request, System.Text.Json.Nodes.JsonObject previousProperties, ProvisionedResource current) =>
        update is null ? current.Copy() : update(request, current.Copy());

    public void Delete(ResourceRequest request, ProvisionedResource current)
    {
        if (GivenName(request) is { } name) request.Region.Names.Release(Kind.Type, name);
    }

    private string? GivenName(ResourceRequest request) => Kind.NameProperty is { } property && request.Text(property) is { Length: > 0 } name ? name : null;
}
