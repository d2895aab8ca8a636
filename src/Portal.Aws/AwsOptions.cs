using System.Text.RegularExpressions;

namespace Portal.Aws;

/// <summary>
/// How the portal reaches AWS (section "Aws"). Credentials are not settings: they come from AWSSDK.Core's default
/// resolution (environment, shared profile, container or instance role, web identity).
/// </summary>
public sealed partial class AwsOptions
{
    public const string Section = "Aws";

    /// <summary>e.g. eu-central-1. Empty: AWS_REGION / the shared profile / instance metadata (AWSSDK.Core's FallbackRegionFactory).</summary>
    public string? Region { get; set; }

    /// <summary>One endpoint for every service, e.g. the emulator at http://127.0.0.1:4566 (scripts/run.sh sets Aws__ServiceUrl).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Per-service endpoints; each wins over <see cref="ServiceUrl"/>.</summary>
    public AwsEndpointOptions Endpoints { get; set; } = new();

    /// <summary>Attempts per call, the first included (1 = no retry).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Total time one call may take over all its attempts and backoff delays.</summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time one attempt may take before it counts as a (retryable) timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>First backoff ceiling; doubles per retry up to <see cref="RetryMaxDelay"/>, full jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>True when any endpoint is overridden (the emulator or another stand-in): dummy credentials are then acceptable.</summary>
    public bool HasEndpointOverride =>
        !string.IsNullOrWhiteSpace(ServiceUrl) || Endpoints.All().Any(e => !string.IsNullOrWhiteSpace(e.Url));

    /// <summary>Throws with a message naming the first wrong setting.</summary>
    public void Validate()
    {
        if (!string.IsNullOrWhiteSpace(Region) && !RegionPattern().IsMatch(Region))
            throw new InvalidOperationException($"{Section}:{nameof(Region)} is not an AWS region name: '{Region}' (e.g. eu-central-1).");
        RequireUrl(nameof(ServiceUrl), ServiceUrl);
        foreach (var (name, url) in Endpoints.All())
            RequireUrl($"{nameof(Endpoints)}:{name}", url);
        if (MaxAttempts is < 1 or > 20)
            throw new InvalidOperationException($"{Section}:{nameof(MaxAttempts)} must be between 1 and 20 (is {MaxAttempts}).");
        if (RetryBudget <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(RetryBudget)} must be positive (is {RetryBudget}).");
        if (Timeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(Timeout)} must be positive (is {Timeout}).");
        if (RetryBaseDelay < TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(RetryBaseDelay)} must not be negative (is {RetryBaseDelay}).");
        if (RetryMaxDelay < RetryBaseDelay)
            throw new InvalidOperationException($"{Section}:{nameof(RetryMaxDelay)} must be at least {nameof(RetryBaseDelay)} (is {RetryMaxDelay}).");
    }

    private static void RequireUrl(string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"{Section}:{name} must be an absolute http or https URL (is '{value}').");
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    private static partial Regex RegionPattern();
}

/// <summary>Per-service endpoint overrides (section "Aws:Endpoints").</summary>
public sealed class AwsEndpointOptions
{
    public string? CloudFormation { get; set; }
    public string? CodePipeline { get; set; }
    public string? ElasticLoadBalancingV2 { get; set; }
    public string? SecretsManager { get; set; }
    public string? CertificateManager { get; set; }
    public string? S3 { get; set; }
    public string? CodeBuild { get; set; }
    public string? CloudWatchLogs { get; set; }

    public IEnumerable<(string Name, string? Url)> All() =>
    [
        (nameof(CloudFormation), CloudFormation),
        (nameof(CodePipeline), CodePipeline),
        (nameof(ElasticLoadBalancingV2), ElasticLoadBalancingV2),
        (nameof(SecretsManager), SecretsManager),
        (nameof(CertificateManager), CertificateManager),
        (nameof(S3), S3),
        (nameof(CodeBuild), CodeBuild),
        (nameof(CloudWatchLogs), CloudWatchLogs),
    ];
}
