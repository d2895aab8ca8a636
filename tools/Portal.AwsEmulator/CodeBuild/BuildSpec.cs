using YamlDotNet.RepresentationModel;

namespace Portal.AwsEmulator.CodeBuild;

/// <summary>The parts of a buildspec (version 0.2) a build runs: env.variables, the phases' commands, artifacts.files.</summary>
public sealed record BuildSpec(IReadOnlyDictionary<string, string> Variables, IReadOnlyList<(string Phase, IReadOnlyList<string> Commands)> Phases,
    IReadOnlyList<string>? ArtifactFiles)
{
    public static readonly string[] PhaseNames = ["install", "pre_build", "build", "post_build"];

    /// <summary>The buildspec, or null with CodeBuild's YAML_FILE_ERROR message.</summary>
    public static (BuildSpec? Spec, string? Error) Parse(string text)
    {
        try
        {
            var yaml = new YamlStream();
            yaml.Load(new StringReader(text));
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return (null, "YAML file does not contain a mapping");
            var variables = Map(Child(Child(root, "env"), "variables"));
            var phases = Child(root, "phases") as YamlMappingNode;
            var commands = PhaseNames
                .Select(p => (p, (IReadOnlyList<string>)Scalars(Child(Child(phases, p), "commands"))))
                .Where(p => phases is not null && Child(phases, p.p) is not null)
                .ToList();
            var artifacts = Child(root, "artifacts");
            return (new BuildSpec(variables, commands, artifacts is null ? null : Scalars(Child(artifacts, "files"))), null);
        }
        catch (YamlDotNet.Core.YamlException error)
        {
            return (null, $"Expected Commands[0] to be of string type: found subkeys instead at line {error.Start.Line}");
        }
    }

    private static YamlNode? Child(YamlNode? node, string name) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(name), out var child) ? child : null;

    private static List<string> Scalars(YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : [];

    private static Dictionary<string, string> Map(YamlNode? node) => node is YamlMappingNode mapping
        ? mapping.Children.Where(c => c.Key is YamlScalarNode && c.Value is YamlScalarNode)
            .ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => ((YamlScalarNode)c.Value).Value ?? "", StringComparer.Ordinal)
        : [];
}
