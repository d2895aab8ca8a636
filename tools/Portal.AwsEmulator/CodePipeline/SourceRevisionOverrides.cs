using System.Text.RegularExpressions;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CodePipeline;

public static class SourceRevisionTypes
{
    public const string CommitId = "COMMIT_ID";
    public const string ImageDigest = "IMAGE_DIGEST";
    public const string S3ObjectVersionId = "S3_OBJECT_VERSION_ID";
    public const string S3ObjectKey = "S3_OBJECT_KEY";

    public static readonly string[] All = [CommitId, ImageDigest, S3ObjectVersionId, S3ObjectKey];

    /// <summary>The revision types a source provider takes (S3: version id or object key; repositories: commit; ECR: image digest).</summary>
    public static IReadOnlyList<string> For(string provider) => provider switch
    {
        "S3" => [S3ObjectVersionId, S3ObjectKey],
        "ECR" => [ImageDigest],
        "CodeCommit" or "CodeStarSourceConnection" or "GitHub" => [CommitId],
        _ => [],
    };
}

/// <summary>
/// StartPipelineExecution's sourceRevisions (SourceRevisionOverride): the member constraints of the API reference, and
/// each override must name a source action of the pipeline whose provider takes that revision type; S3_OBJECT_KEY
/// only where the action sets AllowOverrideForS3ObjectKey to true.
/// </summary>
public static partial class SourceRevisionOverrides
{
    private const int MaxOverrides = 50;

    public static List<SourceRevisionRecord> Check(PipelineRecord pipeline, IReadOnlyList<SourceRevisionRecord> overrides)
    {
        if (overrides.Count > MaxOverrides)
            throw Invalid($"Value at 'sourceRevisions' failed to satisfy constraint: Member must have length less than or equal to {MaxOverrides}");
        var sources = pipeline.Stages.Count == 0 ? [] : pipeline.Stages[0].Actions.Where(a => a.Category == "Source").ToList();
        foreach (var given in overrides)
        {
            if (given.ActionName.Length is < 1 or > 100 || !ActionNamePattern().IsMatch(given.ActionName))
                throw Invalid($"Value '{given.ActionName}' at 'sourceRevisions.member.actionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+");
            if (!SourceRevisionTypes.All.Contains(given.RevisionType))
                throw Invalid($"Value '{given.RevisionType}' at 'sourceRevisions.member.revisionType' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", SourceRevisionTypes.All)}]");
            if (given.RevisionValue.Length is < 1 or > 1500)
                throw Invalid("Value at 'sourceRevisions.member.revisionValue' failed to satisfy constraint: Member must have length between 1 and 1500");
            var action = sources.FirstOrDefault(a => a.Name == given.ActionName)
                ?? throw AwsServiceException.ValidationException($"Source action '{given.ActionName}' does not exist in pipeline '{pipeline.Name}'.");
            if (!SourceRevisionTypes.For(action.Provider).Contains(given.RevisionType))
                throw AwsServiceException.ValidationException(
                    $"Revision type {given.RevisionType} is not valid for action '{action.Name}' with provider {action.Provider}.");
            if (given.RevisionType == SourceRevisionTypes.S3ObjectKey && action.Configuration.GetValueOrDefault("AllowOverrideForS3ObjectKey") != "true")
                throw AwsServiceException.ValidationException(
                    $"Action '{action.Name}' does not allow overriding its S3ObjectKey: set AllowOverrideForS3ObjectKey to true in its configuration.");
        }
        foreach (var duplicate in overrides.GroupBy(o => (o.ActionName, o.RevisionType)).Where(g => g.Count() > 1))
            throw AwsServiceException.ValidationException($"Source revision {duplicate.Key.RevisionType} is given more than once for action '{duplicate.Key.ActionName}'.");
        return [.. overrides];
    }

    private static AwsServiceException Invalid(string constraint) => AwsServiceException.ValidationException("1 validation error detected: " + constraint);

    [GeneratedRegex("^[A-Za-z0-9.@\\-_]+$")]
    private static partial Regex ActionNamePattern();
}
