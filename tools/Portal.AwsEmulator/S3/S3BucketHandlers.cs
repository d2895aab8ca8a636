using System.Text.RegularExpressions;
using static Portal.AwsEmulator.S3.S3Xml;

namespace Portal.AwsEmulator.S3;

/// <summary>The bucket operations: CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, Put/GetBucketVersioning, ListBuckets.</summary>
public sealed partial class S3BucketHandlers
{
    private const string UsEast1 = "us-east-1";

    /// <summary>
    /// A request signed for us-east-1 goes to the global endpoint, which creates the bucket in the region its
    /// LocationConstraint names; any other region's endpoint creates buckets in that region only.
    /// </summary>
    public async Task CreateAsync(S3Call call)
    {
        if (!BucketNames.IsValid(call.Bucket)) throw S3Errors.InvalidBucketName(call.Bucket);
        var configuration = Parse(await PayloadReader.ReadSmallAsync(call.Request, call.Presigned, call.Http.RequestAborted), "CreateBucketConfiguration");
        var constraint = configuration is null ? null : ChildText(configuration, "LocationConstraint") is { Length: > 0 } given ? given : null;
        // "EU" is S3's legacy name for eu-west-1 (the .NET SDK still sends it).
        if (constraint == "EU") constraint = "eu-west-1";
        if (constraint is not null && (constraint == UsEast1 || !RegionPattern().IsMatch(constraint)))
            throw S3Errors.InvalidLocationConstraint(constraint);
        if (call.Region != UsEast1 && constraint != call.Region) throw S3Errors.IllegalLocationConstraint(constraint);
        var region = constraint ?? UsEast1;

        if (call.Store.FindBucket(call.Bucket) is { } existing)
        {
            // For legacy compatibility, re-creating a bucket you own in us-east-1 through us-east-1 succeeds.
            if (!(existing.Region == UsEast1 && call.Region == UsEast1)) throw S3Errors.BucketAlreadyOwnedByYou(call.Bucket);
        }
        else if (!call.Store.CreateBucket(call.Bucket, region))
        {
            throw S3Errors.BucketAlreadyOwnedByYou(call.Bucket);
        }
        call.Response.Headers.Location = "/" + call.Bucket;
        call.Response.StatusCode = StatusCodes.Status200OK;
    }

    public Task HeadAsync(S3Call call)
    {
        var bucket = call.Store.FindBucket(call.Bucket)!;
        call.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        call.Response.Headers["x-amz-access-point-alias"] = "false";
        call.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(S3Call call)
    {
        call.Store.DeleteBucket(call.Bucket);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public Task LocationAsync(S3Call call)
    {
        var region = call.Store.FindBucket(call.Bucket)!.Region;
        return WriteAsync(call.Response, Element("LocationConstraint", region == UsEast1 ? null : region));
    }

    public async Task PutVersioningAsync(S3Call call)
    {
        var configuration = Parse(await PayloadReader.ReadSmallAsync(call.Request, call.Presigned, call.Http.RequestAborted), "VersioningConfiguration")
            ?? throw S3Errors.MalformedXml();
        var status = ChildText(configuration, "Status");
        var mfaDelete = ChildText(configuration, "MfaDelete");
        if (status is not (null or VersioningStates.Enabled or VersioningStates.Suspended) || mfaDelete is not (null or "Enabled" or "Disabled"))
            throw S3Errors.MalformedXml();
        if (mfaDelete == "Enabled") throw S3Errors.NotImplemented("MfaDelete");
        if (status is not null) call.Store.SetVersioning(call.Bucket, status);
        call.Response.StatusCode = StatusCodes.Status200OK;
    }

    public Task GetVersioningAsync(S3Call call) =>
        WriteAsync(call.Response, Element("VersioningConfiguration", Optional("Status", call.Store.FindBucket(call.Bucket)!.Versioning)));

    public Task ListBucketsAsync(S3Call call) => WriteAsync(call.Response, Element("ListAllMyBucketsResult",
        Element("Owner", Element("ID", OwnerId)),
        Element("Buckets", call.Store.Buckets().Select(b => Element("Bucket",
            Element("Name", b.Name), Element("CreationDate", Time(b.Created)), Element("BucketRegion", b.Region))))));

    /// <summary>The canonical user id the emulated account owns everything with.</summary>
    public const string OwnerId = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

    [GeneratedRegex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")]
    private static partial Regex RegionPattern();
}
