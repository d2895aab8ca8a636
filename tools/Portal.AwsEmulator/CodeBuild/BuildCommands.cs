using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.AwsEmulator.S3;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CodeBuild;

/// <summary>What a buildspec command did: null when it succeeded, otherwise the output it ended with.</summary>
public sealed record CommandFailure(string Output);

/// <summary>
/// The effects of the buildspec commands the portal's templates run, emulated: shell variable assignments and
/// expansion, "aws s3 cp s3://… file" (which fails like the AWS CLI when the object is missing), "sed -i s/…/…/g",
/// "packer init|validate|build" (build writes the manifest the template's manifest post-processor names, with a new
/// AMI id), "jq … artifact_id … > file" and "echo". Any other command succeeds without effect.
/// </summary>
public sealed partial class BuildCommands(BuildWorkspace workspace, Dictionary<string, string> variables, S3Store s3, string region, BuildLog log)
{
    public CommandFailure? Run(string command)
    {
        var expanded = Expand(command);
        if (AssignmentPattern().Match(command.Trim()) is { Success: true } assignment)
        {
            variables[assignment.Groups["name"].Value] = Unquote(Expand(assignment.Groups["value"].Value));
            return null;
        }
        var words = Words(expanded);
        return words switch
        {
            ["aws", "s3", "cp", var from, var to, ..] when from.StartsWith("s3://", StringComparison.Ordinal) => CopyFromS3(from, to),
            ["sed", "-i", var script, var file] => Substitute(script, file),
            ["packer", "init", .., var file] => RequireFile(file),
            ["packer", "validate", .., var file] => RequireFile(file) ?? Print("The configuration is valid."),
            ["packer", "build", .., var file] => PackerBuild(file),
            ["echo", .. var rest] => Print(string.Join(' ', rest)),
            _ when expanded.Contains("jq", StringComparison.Ordinal) && expanded.Contains("artifact_id", StringComparison.Ordinal) => ExtractArtifactId(expanded),
            _ => null,
        };
    }

    private CommandFailure? CopyFromS3(string from, string to)
    {
        var path = from["s3://".Length..];
        var slash = path.IndexOf('/');
        var (bucket, key) = slash < 0 ? (path, "") : (path[..slash], path[(slash + 1)..]);
        try
        {
            using var opened = s3.Open(bucket, key, null, "GET");
            using var memory = new MemoryStream();
            opened.Body?.CopyTo(memory);
            workspace.Write(to, memory.ToArray());
            log.Output($"download: {from} to {to}");
            return null;
        }
        catch (S3Error error) when (error.Code is "NoSuchKey" or "NoSuchBucket")
        {
            return new CommandFailure(error.Code == "NoSuchKey"
                ? $"fatal error: An error occurred (404) when calling the HeadObject operation: Key \"{key}\" does not exist"
                : "fatal error: An error occurred (404) when calling the HeadObject operation: Not Found");
        }
    }

    private CommandFailure? Substitute(string script, string file)
    {
        var text = workspace.ReadText(file);
        if (text is null) return new CommandFailure($"sed: can't read {file}: No such file or directory");
        var parts = script.Split('/');
        if (parts.Length >= 3 && parts[0] == "s") workspace.Write(file, text.Replace(parts[1], parts[2], StringComparison.Ordinal));
        return null;
    }

    private CommandFailure? RequireFile(string file) =>
        workspace.Exists(file) ? null : new CommandFailure($"Error: Failed to read file\n\n  on {file}: no such file or directory");

    private CommandFailure? PackerBuild(string file)
    {
        var template = workspace.ReadText(file);
        if (template is null) return RequireFile(file);
        var source = SourcePattern().Match(template);
        var name = source.Success ? $"{source.Groups["type"].Value}.{source.Groups["name"].Value}" : "amazon-ebs.source";
        var amiRegion = RegionPattern().Match(template) is { Success: true } r ? r.Groups["region"].Value : region;
        var manifest = ManifestPattern().Match(template) is { Success: true } m ? m.Groups["output"].Value : "packer-manifest.json";
        var amiName = AmiNamePattern().Match(template) is { Success: true } a ? a.Groups["name"].Value : "packer-image";
        var amiId = Ids.Ec2("ami");
        var runId = Ids.Uuid();
        log.Output($"{name}: output will be in this color.");
        log.Output($"==> {name}: Creating AMI {amiName} from instance {Ids.Ec2("i")}");
        log.Output($"    {name}: AMI: {amiId}");
        log.Output($"Build '{name}' finished after 6 minutes 12 seconds.");
        log.Output("==> Builds finished. The artifacts of successful builds are:");
        log.Output($"--> {name}: AMIs were created:");
        log.Output($"{amiRegion}: {amiId}");
        var document = new JsonObject
        {
            ["builds"] = new JsonArray(new JsonObject
            {
                ["name"] = source.Success ? source.Groups["name"].Value : "source",
                ["builder_type"] = source.Success ? source.Groups["type"].Value : "amazon-ebs",
                ["build_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["files"] = null,
                ["artifact_id"] = $"{amiRegion}:{amiId}",
                ["packer_run_uuid"] = runId,
                ["custom_data"] = null,
            }),
            ["last_run_uuid"] = runId,
        };
        workspace.Write(manifest, document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return null;
    }

    /// <summary>"jq -r '.builds[-1].artifact_id' manifest.json | cut -d ':' -f2 > ami-id.txt": the last build's artifact id (or its AMI part).</summary>
    private CommandFailure? ExtractArtifactId(string command)
    {
        var words = Words(command);
        var manifestName = words.FirstOrDefault(w => w.EndsWith(".json", StringComparison.Ordinal));
        var manifest = manifestName is null ? null : workspace.ReadText(manifestName);
        if (manifest is null) return new CommandFailure($"jq: error: Could not open {manifestName}: No such file or directory");
        var artifactId = (JsonNode.Parse(manifest)?["builds"] as JsonArray)?.LastOrDefault()?["artifact_id"]?.GetValue<string>() ?? "null";
        var value = command.Contains("cut -d ':' -f2", StringComparison.Ordinal) && artifactId.Contains(':') ? artifactId.Split(':')[1] : artifactId;
        var redirect = command.LastIndexOf('>');
        if (redirect >= 0) workspace.Write(Unquote(command[(redirect + 1)..].Trim()), value + "\n");
        else log.Output(value);
        return null;
    }

    private CommandFailure? Print(string text)
    {
        log.Output(CatPattern().Replace(text, m => workspace.ReadText(m.Groups["file"].Value)?.TrimEnd() ?? ""));
        return null;
    }

    /// <summary>${NAME}, ${NAME:-default} and $NAME from the build's environment; unknown names expand to nothing, as in bash.</summary>
    private string Expand(string text) => VariablePattern().Replace(text, m =>
    {
        var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value;
        var value = variables.GetValueOrDefault(name);
        return string.IsNullOrEmpty(value) && m.Groups["default"].Success ? m.Groups["default"].Value : value ?? "";
    });

    private static List<string> Words(string command) =>
        WordPattern().Matches(command).Select(m => Unquote(m.Value)).ToList();

    private static string Unquote(string word) => word.Length >= 2 && (word[0] == '"' && word[^1] == '"' || word[0] == '\'' && word[^1] == '\'') ? word[1..^1] : word;

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\}|\$(?<bare>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$")]
    private static partial Regex AssignmentPattern();

    [GeneratedRegex("\"[^\"]*\"|'[^']*'|[^\\s]+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"\$\(cat (?<file>[^)]+)\)")]
    private static partial Regex CatPattern();

    [GeneratedRegex("source\\s+\"(?<type>[^\"]+)\"\\s+\"(?<name>[^\"]+)\"")]
    private static partial Regex SourcePattern();

    [GeneratedRegex("^\\s*region\\s*=\\s*\"(?<region>[^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex RegionPattern();

    [GeneratedRegex("post-processor\\s+\"manifest\"\\s*\\{[^}]*?output\\s*=\\s*\"(?<output>[^\"]+)\"", RegexOptions.Singleline)]
    private static partial Regex ManifestPattern();

    [GeneratedRegex("^\\s*ami_name\\s*=\\s*\"(?<name>[^\"]+)\"", RegexOptions.Multiline)]
    private static partial Regex AmiNamePattern();
}
