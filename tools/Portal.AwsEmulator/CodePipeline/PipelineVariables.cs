using System.Text.RegularExpressions;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CodePipeline;

/// <summary>Checks StartPipelineExecution's variables against the pipeline's declaration and fills in defaults.</summary>
public static partial class PipelineVariables
{
    public static Dictionary<string, string> Resolve(PipelineRecord pipeline, IReadOnlyList<KeyValuePair<string, string>> given)
    {
        if (given.Count > 0 && pipeline.PipelineType != "V2")
            throw AwsServiceException.ValidationException("Pipeline variables can only be used with pipelines of type V2.");
        foreach (var duplicate in given.GroupBy(v => v.Key).Where(g => g.Count() > 1))
            throw AwsServiceException.ValidationException($"Variable '{duplicate.Key}' was given more than once.");
        foreach (var (name, value) in given)
        {
            if (!NamePattern().IsMatch(name))
                throw AwsServiceException.ValidationException($"1 validation error detected: Value '{name}' at 'variables.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9@\\-_]+");
            if (value.Length is < 1 or > 1000)
                throw AwsServiceException.ValidationException($"1 validation error detected: Value at 'variables.value' failed to satisfy constraint: Member must have length between 1 and 1000");
            if (pipeline.Variables.All(v => v.Name != name))
                throw AwsServiceException.ValidationException($"Variable '{name}' is not declared in pipeline '{pipeline.Name}'.");
        }
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var declared in pipeline.Variables)
        {
            var value = given.FirstOrDefault(v => v.Key == declared.Name).Value ?? declared.DefaultValue
                ?? throw AwsServiceException.ValidationException($"Variable '{declared.Name}' has no default value and must be given a value.");
            resolved[declared.Name] = value;
        }
        return resolved;
    }

    [GeneratedRegex("^[A-Za-z0-9@\\-_]{1,128}$")]
    private static partial Regex NamePattern();
}
