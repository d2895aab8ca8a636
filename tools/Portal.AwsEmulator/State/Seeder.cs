using Microsoft.Extensions.Options;
using Portal.AwsEmulator.CertificateManager;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.State;

/// <summary>Creates what exists outside any stack: the certificates, listeners and buckets configured under Emulator:Seed (or posted to /_emulator/seed).</summary>
public sealed class Seeder(EmulatorState state, IOptions<EmulatorOptions> options)
{
    public void SeedConfigured()
    {
        foreach (var certificate in options.Value.Seed.Certificates)
            SeedCertificate(certificate);
        foreach (var listener in options.Value.Seed.Listeners)
            SeedListener(listener);
        foreach (var bucket in options.Value.Seed.Buckets)
            SeedBucket(bucket);
    }

    public void SeedBucket(SeedBucket bucket)
    {
        if (!S3.BucketNames.IsValid(bucket.Name)) throw S3.S3Errors.InvalidBucketName(bucket.Name);
        if (bucket.Versioning is not (null or S3.VersioningStates.Enabled or S3.VersioningStates.Suspended)) throw S3.S3Errors.MalformedXml();
        state.S3.CreateBucket(bucket.Name, bucket.Region, bucket.Versioning);
    }

    /// <summary>The listener goes into the region its ARN names.</summary>
    public ListenerRecord SeedListener(SeedListener listener)
    {
        var region = Arns.Region(listener.ListenerArn) ?? throw AwsServiceException.Validation($"'{listener.ListenerArn}' is not a valid listener ARN");
        return state.Region(region).LoadBalancing.Seed(listener);
    }

    /// <summary>The certificate goes into the region its ARN names, else <see cref="SeedCertificate.Region"/>, else the default region.</summary>
    public CertificateRecord SeedCertificate(SeedCertificate certificate)
    {
        var region = (certificate.CertificateArn is { } arn ? Arns.Region(arn) : null) ?? certificate.Region ?? options.Value.DefaultRegion;
        return state.Region(region).Certificates.Seed(certificate);
    }
}
