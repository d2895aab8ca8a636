using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Provisioning.GitLab;

/// <summary>The fields of GitLab's push event the portal uses (GitLab docs: "Webhook events", push events).</summary>
public sealed record PushEvent(
    string ObjectKind,
    string Ref,
    string Before,
    string After,
    string? CheckoutSha,
    string? UserUsername,
    string? UserName,
    string? UserEmail,
    PushProject Project,
    IReadOnlyList<PushCommit> Commits,
    int TotalCommitsCount)
{
    /// <summary>Branches are the refs under refs/heads/ (accepted pushes are always to one).</summary>
    public const string BranchRefPrefix = "refs/heads/";

    /// <summary>The branch pushed to, or null for a tag or other ref.</summary>
    public string? Branch => BranchOf(Ref);

    /// <summary>The branch a ref names ("refs/heads/main" → "main"), or null for a tag or other ref.</summary>
    public static string? BranchOf(string gitRef) =>
        gitRef.StartsWith(BranchRefPrefix, StringComparison.Ordinal) ? gitRef[BranchRefPrefix.Length..] : null;

    /// <summary>GitLab sends 40 zeros as "after" when a branch is deleted.</summary>
    public bool IsBranchDeletion => After.Length > 0 && After.All(c => c == '0');

    /// <summary>The commit the push moved the branch to, with its message and author when GitLab included it.</summary>
    public PushCommit? HeadCommit => Commits.LastOrDefault(c => c.Id == After) ?? Commits.LastOrDefault();
}

public sealed record PushProject(long Id, string PathWithNamespace, string? GitHttpUrl, string? WebUrl);

public sealed record PushCommit(string Id, string? Message, string? Title, DateTimeOffset? Timestamp, PushAuthor? Author);

public sealed record PushAuthor(string? Name, string? Email);

/// <summary>Reads a push event body; any problem is a message naming the field, never an exception.</summary>
public static partial class PushEventParser
{
    public static PushEventParseResult Parse(ReadOnlySpan<byte> body)
    {
        PushEventBody? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, WireContext.Default.PushEventBody);
        }
        catch (JsonException e)
        {
            return PushEventParseResult.Invalid($"The body is not valid JSON: {e.Message}");
        }
        if (parsed is null) return PushEventParseResult.Invalid("The body is empty.");

        var missing = new List<string>();
        if (string.IsNullOrEmpty(parsed.ObjectKind)) missing.Add("object_kind");
        if (string.IsNullOrEmpty(parsed.Ref)) missing.Add("ref");
        if (string.IsNullOrEmpty(parsed.Before)) missing.Add("before");
        if (string.IsNullOrEmpty(parsed.After)) missing.Add("after");
        if (parsed.Project is null) missing.Add("project");
        else
        {
            if (parsed.Project.Id is null) missing.Add("project.id");
            if (string.IsNullOrEmpty(parsed.Project.PathWithNamespace)) missing.Add("project.path_with_namespace");
        }
        if (missing.Count > 0) return PushEventParseResult.Invalid($"Missing fields: {string.Join(", ", missing)}.");
        if (!IsCommitId(parsed.Before!)) return PushEventParseResult.Invalid("Field before is not a commit id (40 or 64 hexadecimal digits).");
        if (!IsCommitId(parsed.After!)) return PushEventParseResult.Invalid("Field after is not a commit id (40 or 64 hexadecimal digits).");

        var project = parsed.Project!;
        return PushEventParseResult.Valid(new PushEvent(
            parsed.ObjectKind!, parsed.Ref!, parsed.Before!, parsed.After!, parsed.CheckoutSha,
            parsed.UserUsername, parsed.UserName, parsed.UserEmail,
            new PushProject(project.Id!.Value, project.PathWithNamespace!, project.GitHttpUrl, project.WebUrl),
            (parsed.Commits ?? []).Where(c => c.Id is not null)
                .Select(c => new PushCommit(c.Id!, c.Message, c.Title, c.Timestamp, c.Author is null ? null : new PushAuthor(c.Author.Name, c.Author.Email)))
                .ToList(),
            parsed.TotalCommitsCount ?? parsed.Commits?.Count ?? 0));
    }

    /// <summary>SHA-1 (40) or SHA-256 (64) object names, as GitLab sends them.</summary>
    private static bool IsCommitId(string value) => value.Length is 40 or 64 && value.All(char.IsAsciiHexDigit);

    // Wire shapes: everything optional so that a missing field is reported by name rather than thrown. Settable
    // properties and generated metadata: this runs for every push, and constructor-bound reflection costs several times more.
    private sealed class PushEventBody
    {
        public string? ObjectKind { get; init; }
        public string? Ref { get; init; }
        public string? Before { get; init; }
        public string? After { get; init; }
        public string? CheckoutSha { get; init; }
        public string? UserUsername { get; init; }
        public string? UserName { get; init; }
        public string? UserEmail { get; init; }
        public ProjectBody? Project { get; init; }
        public List<CommitBody>? Commits { get; init; }
        public int? TotalCommitsCount { get; init; }
    }

    private sealed class ProjectBody
    {
        public long? Id { get; init; }
        public string? PathWithNamespace { get; init; }
        public string? GitHttpUrl { get; init; }
        public string? WebUrl { get; init; }
    }

    private sealed class CommitBody
    {
        public string? Id { get; init; }
        public string? Message { get; init; }
        public string? Title { get; init; }
        public DateTimeOffset? Timestamp { get; init; }
        public AuthorBody? Author { get; init; }
    }

    private sealed class AuthorBody
    {
        public string? Name { get; init; }
        public string? Email { get; init; }
    }

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
    [JsonSerializable(typeof(PushEventBody))]
    private sealed partial class WireContext : JsonSerializerContext;
}

public sealed record PushEventParseResult(PushEvent? Event, string? Error)
{
    public static PushEventParseResult Valid(PushEvent pushEvent) => new(pushEvent, null);
    public static PushEventParseResult Invalid(string error) => new(null, error);
}
