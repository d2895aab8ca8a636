namespace Portal.Aws.Protocol;

/// <summary>One AWS service as the wire sees it: SigV4 signing name, endpoint prefix and the key of its endpoint override.</summary>
public sealed record AwsService(string SigningName, string EndpointPrefix, string EndpointSetting)
{
    public static readonly AwsService CloudFormation = new("cloudformation", "cloudformation", nameof(AwsEndpointOptions.CloudFormation));
    public static readonly AwsService CodePipeline = new("codepipeline", "codepipeline", nameof(AwsEndpointOptions.CodePipeline));
    public static readonly AwsService ElasticLoadBalancing = new("elasticloadbalancing", "elasticloadbalancing", nameof(AwsEndpointOptions.ElasticLoadBalancingV2));
    public static readonly AwsService SecretsManager = new("secretsmanager", "secretsmanager", nameof(AwsEndpointOptions.SecretsManager));
    public static readonly AwsService CertificateManager = new("acm", "acm", nameof(AwsEndpointOptions.CertificateManager));
    public static readonly AwsService S3 = new("s3", "s3", nameof(AwsEndpointOptions.S3));
    public static readonly AwsService CodeBuild = new("codebuild", "codebuild", nameof(AwsEndpointOptions.CodeBuild));
    public static readonly AwsService CloudWatchLogs = new("logs", "logs", nameof(AwsEndpointOptions.CloudWatchLogs));

    public override string ToString() => SigningName;
}

/// <summary>Where each service is reached and which region requests are signed for.</summary>
public sealed class AwsEndpoints(string region, AwsOptions options)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<AwsService, Uri> resolved = new();

    public string Region { get; } = region;

    /// <summary>Aws:Endpoints:&lt;Service&gt;, else Aws:ServiceUrl, else AWS's regional endpoint.</summary>
    public Uri For(AwsService service) => resolved.GetOrAdd(service, Resolve);

    /// <summary>The overridden endpoint of the service (Aws:Endpoints:&lt;Service&gt;, else Aws:ServiceUrl), or null for AWS's own.</summary>
    public Uri? Override(AwsService service)
    {
        var url = options.Endpoints.All().First(e => e.Name == service.EndpointSetting).Url;
        if (string.IsNullOrWhiteSpace(url)) url = options.ServiceUrl;
        return string.IsNullOrWhiteSpace(url) ? null : new Uri(url.EndsWith('/') ? url : url + "/");
    }

    private Uri Resolve(AwsService service)
    {
        if (Override(service) is { } overridden) return overridden;
        var dnsSuffix = Region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{service.EndpointPrefix}.{Region}.{dnsSuffix}/");
    }
}
