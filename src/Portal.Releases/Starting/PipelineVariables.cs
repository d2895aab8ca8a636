using System.Text;
using Portal.Data.Entities;

namespace Portal.Releases.Starting;

/// <summary>
/// The pipeline-level variables a release starts its execution with. The names are those the software pipeline declares
/// (templates/host-software.yaml); CodePipeline accepts values of 1 to 1000 characters, so empty values are left out
/// (the pipeline's default applies), long ones are cut and the message is its first line.
/// </summary>
public static class PipelineVariables
{
    public const string CommitId = "CommitId";
    public const string Branch = "Branch";
    public const string Author = "Author";
    public const string Message = "Message";

    public const int MaxValueLength = 1000;

    public static IReadOnlyDictionary<string, string> For(Release release)
    {
        var variables = new Dictionary<string, string>();
        Add(variables, CommitId, release.CommitId);
        Add(variables, Branch, release.Branch);
        Add(variables, Author, release.AuthorUsername ?? release.AuthorEmail);
        Add(variables, Message, FirstLine(release.Message));
        return variables;
    }

    private static void Add(Dictionary<string, string> variables, string name, string? value)
    {
        var clean = Clean(value);
        if (clean.Length > 0) variables[name] = clean;
    }

    private static string? FirstLine(string? message) =>
        message?.Split('\n', 2, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

    /// <summary>No control characters, trimmed, at most <see cref="MaxValueLength"/> characters without splitting a surrogate pair.</summary>
    private static string Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "";
        var text = new StringBuilder(Math.Min(value.Length, MaxValueLength));
        foreach (var c in value.Trim())
        {
            if (text.Length == MaxValueLength) break;
            text.Append(char.IsControl(c) ? ' ' : c);
        }
        if (text.Length > 0 && char.IsHighSurrogate(text[^1])) text.Length--;
        return text.ToString().Trim();
    }
}
