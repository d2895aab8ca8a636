using System.Collections.Concurrent;

namespace Portal.Provisioning.Templates;

/// <summary>Where the CloudFormation templates are (section "Templates").</summary>
public sealed class TemplateCatalogOptions
{
    public const string Section = "Templates";

    /// <summary>Folder holding platform.yaml, host-*.yaml and packer/; found beside the app or in the repository when empty.</summary>
    public string? Path { get; set; }
}

/// <summary>The templates of templates/, read from disk once and kept.</summary>
public sealed class TemplateCatalog
{
    public const string Platform = "platform.yaml";
    public const string HostInfrastructure = "host-infrastructure.yaml";
    public const string HostSoftware = "host-software.yaml";
    public const string PackerHostAmi = "packer/host-ami.pkr.hcl.template";

    private readonly ConcurrentDictionary<string, Lazy<string>> _bodies = new();
    private readonly ConcurrentDictionary<string, Lazy<TemplateParameterNames>> _parameters = new();

    public TemplateCatalog(TemplateCatalogOptions options)
    {
        Directory = ResolveDirectory(options.Path);
    }

    public string Directory { get; }

    public string GetBody(string name) =>
        _bodies.GetOrAdd(name, key => new Lazy<string>(() => File.ReadAllText(PathOf(key)))).Value;

    /// <summary>The parameters a CloudFormation template declares, and which of them have no default.</summary>
    public TemplateParameterNames Parameters(string name) =>
        _parameters.GetOrAdd(name, key => new Lazy<TemplateParameterNames>(() => ReadParameters(GetBody(key)))).Value;

    private static TemplateParameterNames ReadParameters(string body)
    {
        var declared = CloudFormationYaml.Parse(body).GetValueOrDefault("Parameters") as Dictionary<string, object?> ?? [];
        return new TemplateParameterNames(
            declared.Keys.ToHashSet(),
            declared.Where(p => p.Value is not Dictionary<string, object?> d || !d.ContainsKey("Default")).Select(p => p.Key).ToHashSet());
    }

    private string PathOf(string name)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, name));
        if (!path.StartsWith(Directory + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
            throw new FileNotFoundException($"Template '{name}' not found in {Directory}.", path);
        return path;
    }

    private static string ResolveDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = System.IO.Path.GetFullPath(configured);
            return IsTemplateFolder(full)
                ? full
                : throw new InvalidOperationException($"{TemplateCatalogOptions.Section}:Path '{configured}' does not hold {HostSoftware}.");
        }
        // Beside the app when published with the templates, otherwise the repository's templates/ above the build output.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "templates");
            if (IsTemplateFolder(candidate))
                return candidate;
        }
        throw new InvalidOperationException(
            $"No templates/ folder found beside {AppContext.BaseDirectory} or above it; set {TemplateCatalogOptions.Section}:Path.");
    }

    private static bool IsTemplateFolder(string path) => File.Exists(System.IO.Path.Combine(path, HostSoftware));
}

public sealed record TemplateParameterNames(IReadOnlySet<string> Declared, IReadOnlySet<string> Required);
