using Portal.AwsEmulator.CloudWatchLogs.StackResources;
using Portal.AwsEmulator.CodeBuild.StackResources;
using Portal.AwsEmulator.CodePipeline.StackResources;
using Portal.AwsEmulator.ElasticLoadBalancing.StackResources;
using Portal.AwsEmulator.S3.StackResources;
using Portal.AwsEmulator.SecretsManager.StackResources;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// Every resource type the emulator provisions. Other AWS:: types are accepted as unmodelled (a generated physical
/// id, any attribute); types outside AWS:: and Custom:: are refused as CloudFormation refuses unknown types.
/// </summary>
public static class ResourceCatalog
{
    private static readonly Dictionary<string, IResourceProvisioner> Provisioners = SimpleResources.All()
        .Concat<IResourceProvisioner>(
        [
            new LoadBalancerResource(), new ListenerResource(), new ListenerRuleResource(), new TargetGroupResource(), new ListenerCertificateResource(),
            new SecretResource(), new DatabaseInstanceProvisioner(), new AutoScalingGroupProvisioner(), new PipelineResource(), new BucketResource(),
            new LogGroupResource(), new ProjectResource(),
        ])
        .ToDictionary(p => p.Kind.Type, StringComparer.Ordinal);

    public static bool IsRecognised(string type) =>
        Provisioners.ContainsKey(type) || type.StartsWith("AWS::", StringComparison.Ordinal) && type.Split("::").Length == 3 || type.StartsWith("Custom::", StringComparison.Ordinal);

    public static bool IsModelled(string type) => Provisioners.ContainsKey(type);

    public static IResourceProvisioner For(string type) => Provisioners.TryGetValue(type, out var provisioner) ? provisioner : Unmodelled(type);

    public static bool SupportsAttribute(string type, string attribute) =>
        !Provisioners.TryGetValue(type, out var provisioner) || provisioner.Kind.Attributes is null || provisioner.Kind.Attributes.Contains(attribute);

    /// <summary>A type the emulator does not model: a name and, for any attribute asked, a value derived from it.</summary>
    private static IResourceProvisioner Unmodelled(string type) =>
        new SimpleResourceProvisioner(new ResourceKind(type, null, new HashSet<string>()), request => ProvisionedResource.Of(PhysicalNames.Generate(request)));
}
