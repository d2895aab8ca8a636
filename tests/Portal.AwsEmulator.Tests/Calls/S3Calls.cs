using System.IO.Compression;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Portal.AwsEmulator.Tests.Calls;

/// <summary>The official AWSSDK.S3 client against the emulator (path-style, signed for the tests' region), and zips to upload.</summary>
public sealed class S3Calls(Uri endpoint, string region = "eu-west-1") : IDisposable
{
    public string Region { get; } = region;

    public AmazonS3Client Client { get; } = Create(endpoint, region);

    public static AmazonS3Client Create(Uri endpoint, string region, bool forcePathStyle = true, Func<AmazonS3Config, AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = forcePathStyle, AuthenticationRegion = region, MaxErrorRetry = 0 };
        return new AmazonS3Client(new BasicAWSCredentials("AKIDEMULATOR", "emulator-secret"), configure?.Invoke(config) ?? config);
    }

    /// <summary>A versioned bucket in the region.</summary>
    public async Task<string> VersionedBucketAsync(string name)
    {
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = name, BucketRegionName = Region });
        await Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = name,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        return name;
    }

    /// <summary>Uploads a zip of the files; returns the new version id.</summary>
    public async Task<string> PutZipAsync(string bucket, string key, IReadOnlyDictionary<string, string> files, IDictionary<string, string>? metadata = null)
    {
        using var zip = Zip(files);
        var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = zip, ContentType = "application/zip" };
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>()) request.Metadata[name] = value;
        return (await Client.PutObjectAsync(request)).VersionId;
    }

    /// <summary>The files of a zip object.</summary>
    public async Task<Dictionary<string, string>> ReadZipAsync(string bucket, string key, string? versionId = null)
    {
        using var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        buffer.Position = 0;
        using var archive = new ZipArchive(buffer, ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }

    public static MemoryStream Zip(IReadOnlyDictionary<string, string> files)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in files)
            {
                using var writer = new StreamWriter(archive.CreateEntry(name).Open(), Encoding.UTF8);
                writer.Write(content);
            }
        stream.Position = 0;
        return stream;
    }

    /// <summary>A customer's software repository as the portal uploads it: a buildspec the build runs, an appspec for CodeDeploy.</summary>
    public static readonly IReadOnlyDictionary<string, string> SoftwareSource = new Dictionary<string, string>
    {
        ["buildspec.yml"] = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo building the site\nartifacts:\n  files:\n    - '**/*'\n",
        ["appspec.yml"] = "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/site\n",
        ["index.html"] = "<h1>hello</h1>",
    };

    public void Dispose() => Client.Dispose();
}
