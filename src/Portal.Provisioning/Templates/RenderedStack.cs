using System.Security.Cryptography;
using System.Text;

namespace Portal.Provisioning.Templates;

public enum StackLayer { Infrastructure, Software }

/// <summary>
/// Why a stack is rendered: decommissioning is the one purpose that may lift a production database's deletion protection;
/// dropping a custom domain first lifts only the dedicated load balancer's, so the update that removes the domain can delete it.
/// </summary>
public enum StackPurpose { Provision, Decommission, DropCustomDomain }

public sealed record StackParameter(string Key, string Value);

public sealed record StackTag(string Key, string Value);

/// <summary>Everything a CreateStack / UpdateStack / CreateChangeSet call needs for one stack.</summary>
public sealed record RenderedStack(
    string StackName,
    StackLayer Layer,
    StackPurpose Purpose,
    string TemplateName,
    string TemplateBody,
    IReadOnlyList<StackParameter> Parameters,
    IReadOnlyList<StackTag> Tags)
{
    public const string CustomerTag = "portal:customer";
    public const string HostTag = "portal:host";
    public const string EnvironmentTag = "portal:environment";

    /// <summary>The environment's own id: a stack is this environment's only when it carries it (never adopted by name alone).</summary>
    public const string EnvironmentIdTag = "portal:environment-id";

    /// <summary>sha256 (hex) of the body and the parameters: equal hashes mean an update would change nothing.</summary>
    /// <remarks>Computed on each read so that a copy made with <c>with</c> never carries a stale hash.</remarks>
    public string TemplateHash => Hash(TemplateBody, Parameters);

    public string? Parameter(string key) => Parameters.FirstOrDefault(p => p.Key == key)?.Value;

    public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key)?.Value;

    public bool IsProduction => Tag(EnvironmentTag) == "production";

    private static string Hash(string body, IReadOnlyList<StackParameter> parameters)
    {
        var text = new StringBuilder(body).Append('\0');
        foreach (var parameter in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(parameter.Key).Append('=').Append(parameter.Value).Append('\0');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>The Packer template of one host environment and where in the artifact bucket the AMI build expects it.</summary>
public sealed record RenderedPackerTemplate(string FileName, string ObjectKey, string Content)
{
    /// <summary>sha256 (hex) of the content: an image baked from another hash is out of date.</summary>
    public string ContentHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Content)));
}

/// <summary>What provisioning one host environment takes, in order: infrastructure stack, Packer template, software stack.</summary>
public sealed record StackPlan(RenderedStack Infrastructure, RenderedPackerTemplate Packer, RenderedStack Software);
