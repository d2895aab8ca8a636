using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Portal.Releases.GitLab;

/// <summary>The fields of GitLab's push event the portal uses (GitLab docs: "Webhook events", push events).</summary>
public sealed record PushEvent(
    string ObjectKind,
    string Ref,
    string Before,
    string After,
    string? CheckoutSha,
    long? UserId,
    string? UserUsername,
    string? UserName,
    string? UserEmail,
    PushProject Project,
    IReadOnlyList<PushCommit> Commits,
    int TotalCommitsCount,
    bool CiSkip)
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

    /// <summary>
    /// The commit the push moved the branch to, with its message and author when GitLab included it. A push lists its
    /// commits oldest first; the Test button's push (Gitlab::DataBuilder::Push.build_sample) newest first.
    /// </summary>
    public PushCommit? HeadCommit => Commits.LastOrDefault(c => c.Id == After) ?? Commits.LastOrDefault();

    /// <summary>
    /// GitLab's fixed sample push (Gitlab::DataBuilder::Push::SAMPLE_DATA), which the Test button sends for a project
    /// without commits, a group webhook or a system hook: project gitlab/gitlab, commit da15608… (and push option ci.skip).
    /// </summary>
    public bool IsGitLabSample =>
        After == SampleAfter && string.Equals(Project.PathWithNamespace, "gitlab/gitlab", StringComparison.OrdinalIgnoreCase);

    private const string SampleAfter = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
}

public sealed record PushProject(long Id, string PathWithNamespace, string? GitHttpUrl, string? WebUrl);

public sealed record PushCommit(string Id, string? Message, string? Title, DateTimeOffset? Timestamp, PushAuthor? Author);

public sealed record PushAuthor(string? Name, string? Email);

/// <summary>The project any other event (tag push, merge request...) is about: enough to check its token.</summary>
public sealed record EventProject(string? ObjectKind, long Id, string PathWithNamespace);

/// <summary>
/// Reads delivery bodies straight from the request stream through generated JSON metadata, keeping only the fields the
/// portal uses (a 25 MB push is mostly file lists, skipped as they stream by). Any problem is a message naming the
/// field and where it is, never an exception nor a .NET type name (GitLab shows the answer in the hook's "Recent events").
/// </summary>
public static partial class PushEventParser
{
    public static async Task<ParseResult<PushEvent>> ParseAsync(Stream body, CancellationToken cancellationToken)
    {
        var (parsed, error) = await ReadAsync(body, WireContext.Default.PushEventBody, cancellationToken);
        if (parsed is null) return ParseResult<PushEvent>.Invalid(error!);

        var missing = new List<string>();
        if (string.IsNullOrEmpty(parsed.ObjectKind)) missing.Add("object_kind");
        if (string.IsNullOrEmpty(parsed.Ref)) missing.Add("ref");
        if (string.IsNullOrEmpty(parsed.Before)) missing.Add("before");
        if (string.IsNullOrEmpty(parsed.After)) missing.Add("after");
        MissingProject(parsed.Project, parsed.ProjectId, missing);
        if (missing.Count > 0) return ParseResult<PushEvent>.Invalid($"Missing fields: {string.Join(", ", missing)}.");
        if (!IsCommitId(parsed.Before!)) return ParseResult<PushEvent>.Invalid("Field before is not a commit id (40 or 64 hexadecimal digits).");
        if (!IsCommitId(parsed.After!)) return ParseResult<PushEvent>.Invalid("Field after is not a commit id (40 or 64 hexadecimal digits).");

        var project = parsed.Project!;
        return ParseResult<PushEvent>.Valid(new PushEvent(
            parsed.ObjectKind!, parsed.Ref!, parsed.Before!, parsed.After!, parsed.CheckoutSha,
            parsed.UserId, parsed.UserUsername, parsed.UserName, parsed.UserEmail,
            new PushProject((project.Id ?? parsed.ProjectId)!.Value, project.PathWithNamespace!, project.GitHttpUrl, project.WebUrl),
            (parsed.Commits ?? []).Where(c => c?.Id is not null)
                .Select(c => new PushCommit(c!.Id!, c.Message, c.Title, c.Timestamp,
                    c.Author is null ? null : new PushAuthor(c.Author.Name, c.Author.Email)))
                .ToList(),
            parsed.TotalCommitsCount ?? parsed.Commits?.Count ?? 0,
            CiSkip(parsed.PushOptions)));
    }

    /// <summary>The project of any other event, so that its token can be checked before it is ignored.</summary>
    public static async Task<ParseResult<EventProject>> ParseProjectAsync(Stream body, CancellationToken cancellationToken)
    {
        var (parsed, error) = await ReadAsync(body, WireContext.Default.EventBody, cancellationToken);
        if (parsed is null) return ParseResult<EventProject>.Invalid(error!);
        var missing = new List<string>();
        MissingProject(parsed.Project, parsed.ProjectId, missing);
        if (missing.Count > 0) return ParseResult<EventProject>.Invalid($"Missing fields: {string.Join(", ", missing)}.");
        return ParseResult<EventProject>.Valid(
            new EventProject(parsed.ObjectKind, (parsed.Project!.Id ?? parsed.ProjectId)!.Value, parsed.Project.PathWithNamespace!));
    }

    /// <summary>The body read through its wire shape, or what is wrong with it.</summary>
    private static async Task<(T? Parsed, string? Error)> ReadAsync<T>(Stream body, JsonTypeInfo<T> shape, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(body, shape, cancellationToken) is { } parsed ? (parsed, null) : (null, "The body is empty (JSON null).");
        }
        catch (JsonException e)
        {
            return (null, NotJson(e));
        }
    }

    private static void MissingProject(ProjectBody? project, long? projectId, List<string> missing)
    {
        if (project is null) missing.Add("project");
        else
        {
            if (project.Id is null && projectId is null) missing.Add("project.id");
            if (string.IsNullOrEmpty(project.PathWithNamespace)) missing.Add("project.path_with_namespace");
        }
    }

    /// <summary>Where the JSON went wrong, in JSON's terms (the exception's own message names .NET types).</summary>
    private static string NotJson(JsonException e) =>
        $"The body is not valid JSON, or a field has the wrong type, at {e.Path ?? "$"}" +
        (e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})." : ".");

    /// <summary>SHA-1 (40) or SHA-256 (64) object names, as GitLab sends them.</summary>
    private static bool IsCommitId(string value) => value.Length is 40 or 64 && value.All(char.IsAsciiHexDigit);

    /// <summary>
    /// <c>git push -o ci.skip</c> arrives as push_options {"ci": {"skip": true}} (Gitlab::PushOptions). Read as a JSON
    /// element: any other shape (an empty Ruby hash, options the portal does not know) is not a reason to refuse a push.
    /// </summary>
    private static bool CiSkip(JsonElement? options) =>
        options is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("ci", out var ci) && ci.ValueKind == JsonValueKind.Object
        && ci.TryGetProperty("skip", out var skip)
        && (skip.ValueKind == JsonValueKind.True || skip.ValueKind == JsonValueKind.String && skip.GetString() == "true");

    // Wire shapes: everything optional so that a missing field is reported by name rather than thrown. Settable
    // properties and generated metadata: this runs for every push, and constructor-bound reflection costs several times more.
    private sealed class PushEventBody
    {
        public string? ObjectKind { get; init; }
        public string? Ref { get; init; }
        public string? Before { get; init; }
        public string? After { get; init; }
        public string? CheckoutSha { get; init; }
        public long? UserId { get; init; }
        public string? UserUsername { get; init; }
        public string? UserName { get; init; }
        public string? UserEmail { get; init; }
        public long? ProjectId { get; init; }
        public ProjectBody? Project { get; init; }
        public List<CommitBody?>? Commits { get; init; }
        public int? TotalCommitsCount { get; init; }
        public JsonElement? PushOptions { get; init; }
    }

    private sealed class EventBody
    {
        public string? ObjectKind { get; init; }
        public long? ProjectId { get; init; }
        public ProjectBody? Project { get; init; }
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
    [JsonSerializable(typeof(EventBody))]
    private sealed partial class WireContext : JsonSerializerContext;
}

public sealed record ParseResult<T>(T? Event, string? Error) where T : class
{
    public static ParseResult<T> Valid(T parsed) => new(parsed, null);
    public static ParseResult<T> Invalid(string error) => new(null, error);
}
