using System.Security.Cryptography;
using System.Text;
using Portal.Data.Entities;

namespace Portal.Provisioning.Templates;

/// <summary>
/// Stable AWS names for a host environment's stacks, pipelines and artifact keys. The same order always gives the
/// same names; names over a service's limit are cut and end in a short hash of the full name so they stay unique.
/// </summary>
public static class StackNaming
{
    public const int MaxStackNameLength = 128;
    public const int MaxPipelineNameLength = 100;

    /// <summary>CodePipeline keeps a pipeline's artifacts under its name cut to this many characters.</summary>
    public const int PipelineArtifactFolderLength = 20;

    private const int HashLength = 8;
    private const int MaxDnsLabelLength = 63;

    public static string EnvironmentName(EnvironmentKind kind) => kind switch
    {
        EnvironmentKind.Dev => "dev",
        EnvironmentKind.Staging => "staging",
        EnvironmentKind.Production => "production",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>portal-&lt;customer&gt;-&lt;host&gt;-&lt;env&gt;-infra|app: starts with a letter, letters, digits and hyphens, ≤ 128.</summary>
    public static string StackName(string customerSlug, string hostName, EnvironmentKind environment, StackLayer layer)
    {
        var suffix = layer == StackLayer.Infrastructure ? "infra" : "app";
        return Fit($"portal-{Clean(customerSlug)}-{Clean(hostName)}-{EnvironmentName(environment)}-{suffix}", MaxStackNameLength);
    }

    /// <summary>&lt;customer&gt;-&lt;host&gt;-&lt;env&gt; for the software pipeline, with -infra for the infrastructure one; ≤ 100.</summary>
    public static string PipelineName(string customerSlug, string hostName, EnvironmentKind environment, StackLayer layer)
    {
        var name = $"{Clean(customerSlug)}-{Clean(hostName)}-{EnvironmentName(environment)}";
        return Fit(layer == StackLayer.Infrastructure ? name + "-infra" : name, MaxPipelineNameLength);
    }

    public static string PipelineArtifactFolder(string pipelineName) =>
        pipelineName.Length <= PipelineArtifactFolderLength ? pipelineName : pipelineName[..PipelineArtifactFolderLength];

    /// <summary>This host environment's folder in the platform's artifact bucket.</summary>
    public static string ArtifactPrefix(string customerSlug, string hostName, EnvironmentKind environment) =>
        $"hosts/{Clean(customerSlug)}/{Clean(hostName)}/{EnvironmentName(environment)}";

    /// <summary>&lt;host&gt;-&lt;env&gt;.&lt;customer&gt;.&lt;base domain&gt;, each label within DNS's 63 characters.</summary>
    public static string DefaultHostDomain(string customerSlug, string hostName, EnvironmentKind environment, string baseDomain) =>
        $"{Fit($"{Clean(hostName)}-{EnvironmentName(environment)}", MaxDnsLabelLength)}.{Fit(Clean(customerSlug), MaxDnsLabelLength)}.{baseDomain.Trim('.').ToLowerInvariant()}";

    /// <summary>Lower-case letters, digits and single hyphens; anything else becomes a hyphen.</summary>
    private static string Clean(string part)
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

    private static string Fit(string name, int maxLength)
    {
        if (name.Length <= maxLength)
            return name;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..HashLength];
        return $"{name[..(maxLength - HashLength - 1)].TrimEnd('-')}-{hash}";
    }
}
