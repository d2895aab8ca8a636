using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// Creates, updates and deletes one kind of CloudFormation resource inside the emulator. The stack engine resolves
/// intrinsic functions first, so <see cref="ResourceRequest.Properties"/> holds plain values.
/// Throw <see cref="ResourceFailedException"/> to fail the resource with a reason, as AWS reports it in stack events.
/// </summary>
public interface IResourceProvisioner
{
    /// <summary>The resource types handled, e.g. "AWS::ElasticLoadBalancingV2::ListenerRule".</summary>
    IReadOnlyCollection<string> ResourceTypes { get; }

    Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken);

    Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken);

    Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken);
}

public sealed record ResourceRequest(
    string StackName,
    string StackId,
    string LogicalId,
    string ResourceType,
    JsonObject Properties,
    string Region,
    string AccountId);

/// <summary>The physical id (what !Ref returns) and the attributes !GetAtt can ask for.</summary>
public sealed record ProvisionedResource(string PhysicalId, IReadOnlyDictionary<string, string> Attributes);

public sealed class ResourceFailedException(string reason) : Exception(reason);
