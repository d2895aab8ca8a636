using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.S3.StackResources;

/// <summary>
/// AWS::S3::Bucket: a bucket in the S3 service (in the stack's region, versioned as VersioningConfiguration says),
/// so objects can be put into it and pipelines can read from it. Deleting a bucket that still holds objects fails as
/// S3 refuses it (a template keeps such buckets with DeletionPolicy: Retain).
/// </summary>
public sealed class BucketResource : IResourceProvisioner
{
    private const string Service = "S3";

    public ResourceKind Kind { get; } = new("AWS::S3::Bucket",
        new HashSet<string> { "Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL" },
        new HashSet<string> { "BucketName", "ObjectLockEnabled" }, NameProperty: "BucketName");

    public ProvisionedResource Create(ResourceRequest request)
    {
        var name = PhysicalNames.Given(request, "BucketName", 63, lowercase: true);
        if (!BucketNames.IsValid(name))
            throw HandlerErrors.Failure(Service, "The specified bucket is not valid.", handlerCode: "InvalidRequest");
        if (!request.Region.S3.CreateBucket(name, request.RegionName, Versioning(request.Properties)))
            throw HandlerErrors.Failure(Service, $"{name} already exists", handlerCode: "AlreadyExists");
        var partition = Arns.Partition(request.RegionName);
        return ProvisionedResource.Of(name,
            ("Arn", $"arn:{partition}:s3:::{name}"),
            ("DomainName", $"{name}.s3.amazonaws.com"),
            ("DualStackDomainName", $"{name}.s3.dualstack.{request.RegionName}.amazonaws.com"),
            ("RegionalDomainName", $"{name}.s3.{request.RegionName}.amazonaws.com"),
            ("WebsiteURL", $"http://{name}.s3-website-{request.RegionName}.amazonaws.com"));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        if (Versioning(request.Properties) is { } status)
            HandlerErrors.Call(Service, () => request.Region.S3.SetVersioning(current.PhysicalId, status));
        return current.Copy();
    }

    public void Delete(ResourceRequest request, ProvisionedResource current)
    {
        try
        {
            request.Region.S3.DeleteBucket(current.PhysicalId);
        }
        catch (S3Error error) when (error.Code == "NoSuchBucket")
        {
            // Deleted outside the stack already.
        }
        catch (S3Error error)
        {
            throw HandlerErrors.Failure(Service, error.Message, (int)error.Status, handlerCode: "GeneralServiceException");
        }
    }

    private static string? Versioning(JsonObject properties) =>
        properties["VersioningConfiguration"] is JsonObject versioning ? TemplateText.AsString(versioning["Status"]) : null;
}
