using System.Security.Cryptography;
using System.Text;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Provisioning.Templates;

/// <summary>
/// Every AWS name one host environment's resources carry. Each name ends in (or, for pipelines, starts with) the
/// environment and the host's <see cref="Host.ResourceKey"/>, which no other host has (a unique index), so two hosts'
/// names never collide: customer "demo" with host "shop-api" and customer "demo-shop" with host "api" read alike but
/// differ in their keys, and a new host under a decommissioned host's name gets new names. The readable part
/// (customer and host) is cut to fit a service's limit; the unique part never is.
/// </summary>
public sealed record AwsNames(
    string ResourceName,
    string InfrastructureStack,
    string SoftwareStack,
    string InfrastructurePipeline,
    string SoftwarePipeline,
    string ArtifactPrefix)
{
    public const int MaxStackNameLength = 128;
    public const int MaxPipelineNameLength = 100;

    /// <summary>RDS instance identifiers, CodeDeploy names and DNS labels: at most 63 characters, no "--".</summary>
    public const int MaxResourceNameLength = 63;

    /// <summary>CodePipeline keeps a pipeline's artifacts under its name cut to this many characters.</summary>
    public const int PipelineArtifactFolderLength = 20;

    public static AwsNames For(string customerSlug, string hostName, string resourceKey, EnvironmentKind environment)
    {
        var readable = $"{Clean(customerSlug)}-{Clean(hostName)}";
        var unique = $"{EnvironmentNames.Of(environment)}-{CheckKey(resourceKey)}";
        return new AwsNames(
            Fit(readable, unique, MaxResourceNameLength),
            Fit($"portal-{readable}", $"{unique}-infra", MaxStackNameLength),
            Fit($"portal-{readable}", $"{unique}-app", MaxStackNameLength),
            // The unique part first: the artifact folder (the first 20 characters) is then this pipeline's alone.
            FitAfter($"{resourceKey}-{Short(environment)}-infra", readable, MaxPipelineNameLength),
            FitAfter($"{resourceKey}-{Short(environment)}-app", readable, MaxPipelineNameLength),
            $"hosts/{Clean(customerSlug)}/{Clean(hostName)}-{resourceKey}/{EnvironmentNames.Of(environment)}");
    }

    public static AwsNames For(HostEnvironmentOrder order) =>
        For(order.CustomerSlug, order.Host.Name, order.Host.ResourceKey, order.Environment.Kind);

    /// <summary>
    /// Writes the environment's AWS names down (an order does it; an environment from before names were recorded gets
    /// them on its first step). The unique indexes on them then make two environments sharing a name impossible.
    /// </summary>
    public static void Record(HostEnvironmentOrder order)
    {
        var environment = order.Environment;
        var names = For(order);
        environment.ResourceName ??= names.ResourceName;
        environment.InfrastructureStackName ??= names.InfrastructureStack;
        environment.SoftwareStackName ??= names.SoftwareStack;
    }

    public string StackName(StackLayer layer) => layer == StackLayer.Infrastructure ? InfrastructureStack : SoftwareStack;

    public string PipelineName(StackLayer layer) => layer == StackLayer.Infrastructure ? InfrastructurePipeline : SoftwarePipeline;

    public static string PipelineArtifactFolder(string pipelineName) =>
        pipelineName.Length <= PipelineArtifactFolderLength ? pipelineName : pipelineName[..PipelineArtifactFolderLength];

    /// <summary>
    /// &lt;host&gt;-&lt;env&gt;--&lt;customer&gt;.&lt;base domain&gt;: ONE label below the base domain, so the platform's wildcard
    /// certificate (*.&lt;base&gt;, which matches exactly one label) covers every host name. The double hyphen, which
    /// <see cref="Clean"/> never leaves inside a part, keeps the label unambiguous: host "shop-dev-x" of customer "y" and
    /// host "shop" of customer "x-production-y" can never read alike (their rules on the shared listener would clash). A
    /// label longer than DNS's 63 characters has its host and customer parts cut, each ending in a short hash of the whole.
    /// </summary>
    public static string DefaultHostDomain(string customerSlug, string hostName, EnvironmentKind environment, string baseDomain) =>
        $"{HostLabel(Clean(customerSlug), Clean(hostName), EnvironmentNames.Of(environment))}.{baseDomain.Trim('.').ToLowerInvariant()}";

    private static string HostLabel(string customer, string host, string environment)
    {
        var room = MaxResourceNameLength - environment.Length - "---".Length;
        if (host.Length + customer.Length <= room) return $"{host}-{environment}--{customer}";
        var customerRoom = Math.Min(customer.Length, Math.Max(room / 2, room - host.Length));
        return $"{Cut(host, room - customerRoom)}-{environment}--{Cut(customer, customerRoom)}";
    }

    /// <summary>Lower-case letters, digits and single hyphens; anything else becomes a hyphen.</summary>
    public static string Clean(string part)
    {
        var builder = new StringBuilder(part.Length);
        foreach (var c in part.Trim().ToLowerInvariant())
        {
            var keep = c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-';
            if (keep != '-' || (builder.Length > 0 && builder[^1] != '-'))
                builder.Append(keep);
        }
        var cleaned = builder.ToString().Trim('-');
        return cleaned.Length > 0 ? cleaned : throw new ArgumentException($"'{part}' has no letters or digits to name AWS resources with.");
    }

    private static string CheckKey(string key) =>
        Host.IsResourceKey(key) ? key : throw new ArgumentException($"'{key}' is not a host resource key.", nameof(key));

    private static string Short(EnvironmentKind environment) => environment switch
    {
        EnvironmentKind.Dev => "dev",
        EnvironmentKind.Staging => "stg",
        _ => "prd",
    };

    /// <summary>readable-unique within the limit: the readable part is cut (on a hyphen where it can be), the unique part never.</summary>
    private static string Fit(string readable, string unique, int maxLength) =>
        $"{Cut(readable, maxLength - unique.Length - 1)}-{unique}";

    private static string FitAfter(string unique, string readable, int maxLength) =>
        $"{unique}-{Cut(readable, maxLength - unique.Length - 1)}";

    private static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        // A cut readable part ends in a short hash of the whole, so that what it lost still shows in the name.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..4];
        return $"{text[..(maxLength - hash.Length - 1)].TrimEnd('-')}-{hash}";
    }
}
