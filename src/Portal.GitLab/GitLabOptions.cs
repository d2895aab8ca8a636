namespace Portal.GitLab;

/// <summary>How the portal reaches GitLab and handles what it fetches (section "GitLab").</summary>
public sealed class GitLabOptions
{
    public const string Section = "GitLab";

    /// <summary>The GitLab instance the hosts' projects live on, e.g. https://gitlab.example.com (scripts/run.sh: the stand-in).</summary>
    public string Url { get; set; } = "";

    /// <summary>The address GitLab reaches the portal at (the webhook's URL, commit status links); empty: where the portal listens.</summary>
    public string? PortalUrl { get; set; }

    /// <summary>A commit's archive larger than this is refused while it downloads; the release fails with that reason.</summary>
    public long MaxArchiveBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>The files of an archive, unpacked, may add up to this much (a zip bomb stops here).</summary>
    public long MaxUnpackedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Longest one API call (archives aside) may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest downloading one archive may take.</summary>
    public TimeSpan ArchiveTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Secret names start with this (the portal's IAM policy grants secrets under "&lt;PlatformName&gt;/").</summary>
    public string SecretNamePrefix { get; set; } = "portal";

    /// <summary>KMS key of the token secrets; Secrets Manager's default key when empty.</summary>
    public string? SecretKmsKeyId { get; set; }

    /// <summary>Where archives wait on disk between download and upload; the system's temporary folder when empty.</summary>
    public string? WorkPath { get; set; }

    public string WorkDirectory => string.IsNullOrWhiteSpace(WorkPath) ? Path.Combine(Path.GetTempPath(), "portal-sources") : WorkPath;

    public Uri BaseUrl => new(Url.TrimEnd('/') + "/");

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Url))
            throw new InvalidOperationException($"{Section}:{nameof(Url)} is required: the GitLab instance of the hosts' projects, e.g. https://gitlab.example.com.");
        RequireUrl(nameof(Url), Url);
        if (!string.IsNullOrWhiteSpace(PortalUrl)) RequireUrl(nameof(PortalUrl), PortalUrl);
        if (MaxArchiveBytes < 1024)
            throw new InvalidOperationException($"{Section}:{nameof(MaxArchiveBytes)} must be at least 1024 (is {MaxArchiveBytes}).");
        if (MaxUnpackedBytes < MaxArchiveBytes)
            throw new InvalidOperationException($"{Section}:{nameof(MaxUnpackedBytes)} must be at least {nameof(MaxArchiveBytes)}.");
        if (RequestTimeout <= TimeSpan.Zero || ArchiveTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(RequestTimeout)} and {nameof(ArchiveTimeout)} must be positive.");
        if (string.IsNullOrWhiteSpace(SecretNamePrefix) || SecretNamePrefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/')))
            throw new InvalidOperationException($"{Section}:{nameof(SecretNamePrefix)} must be letters, digits, '-', '_' or '/' (is '{SecretNamePrefix}').");
    }

    private static void RequireUrl(string name, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0)
            throw new InvalidOperationException($"{Section}:{name} must be an absolute http or https URL without a query (is '{value}').");
    }
}
