using Portal.AwsEmulator.CertificateManager;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.Faults;

namespace Portal.AwsEmulator;

/// <summary>Settings of the emulator (section "Emulator").</summary>
public sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    /// <summary>The account every ARN is built with.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Region of requests whose Authorization header names none.</summary>
    public string DefaultRegion { get; set; } = "us-east-1";

    /// <summary>Refuse unsigned requests (MissingAuthenticationToken) as AWS does. Signatures are never verified.</summary>
    public bool RequireAuthentication { get; set; } = true;

    /// <summary>How long each stack resource takes to create, update or delete.</summary>
    public TimeSpan ResourceDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Per resource type, e.g. { "Type": "AWS::RDS::DBInstance", "Delay": "00:00:05" }.</summary>
    public List<ResourceTypeDelay> ResourceDelays { get; set; } = [];

    /// <summary>How long each pipeline action (other than a manual approval) takes.</summary>
    public TimeSpan ActionDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a change set stays CREATE_PENDING / CREATE_IN_PROGRESS before CREATE_COMPLETE.</summary>
    public TimeSpan ChangeSetDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>When set, state is loaded from and saved to this JSON file, so a demo survives a restart.</summary>
    public string? StatePath { get; set; }

    /// <summary>
    /// Where S3 object bodies are kept. Default: beside the state file ("{StatePath}.objects"), or without one a
    /// temporary directory removed when the emulator stops.
    /// </summary>
    public string? ObjectsPath { get; set; }

    /// <summary>Host names S3 is reached under: "bucket.{suffix}" is a virtual-hosted-style request for the bucket.</summary>
    public List<string> S3HostSuffixes { get; set; } = ["s3.localhost", "localhost", "s3.amazonaws.com"];

    public FaultSettings Faults { get; set; } = new();

    /// <summary>Elastic Load Balancing's quotas (AWS's defaults unless set, e.g. small ones for tests).</summary>
    public LoadBalancingQuotas Quotas { get; set; } = new();

    public SeedSettings Seed { get; set; } = new();
}

public sealed class ResourceTypeDelay
{
    public string Type { get; set; } = "";
    public TimeSpan Delay { get; set; }
}

/// <summary>Resources that exist outside any stack, e.g. the shared listener and the certificates the portal's platform settings name.</summary>
public sealed class SeedSettings
{
    public List<SeedListener> Listeners { get; set; } = [];

    /// <summary>Buckets made outside the portal's stacks, e.g. the platform's artifact bucket.</summary>
    public List<SeedBucket> Buckets { get; set; } = [];

    public List<SeedCertificate> Certificates { get; set; } = [];
}

/// <summary>An S3 bucket that exists from the start (a bucket already there is left as it is).</summary>
public sealed class SeedBucket
{
    public string Name { get; set; } = "";
    public string Region { get; set; } = "us-east-1";

    /// <summary>Enabled (what a pipeline's S3 source needs), Suspended, or null for an unversioned bucket.</summary>
    public string? Versioning { get; set; } = "Enabled";
}

/// <summary>A listener (and its load balancer) known by ARN; its default rule is created with it.</summary>
public sealed class SeedListener
{
    public string ListenerArn { get; set; } = "";
    public int Port { get; set; } = 443;
    public string Protocol { get; set; } = "HTTPS";
    public string? SslPolicy { get; set; } = "ELBSecurityPolicy-TLS13-1-2-2021-06";
    public List<string> CertificateArns { get; set; } = [];
}
