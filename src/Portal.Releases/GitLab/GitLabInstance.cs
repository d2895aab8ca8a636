namespace Portal.Releases.GitLab;

/// <summary>
/// X-Gitlab-Instance is the sending GitLab's base URL (Gitlab.config.gitlab.base_url, with its relative URL root if
/// any); a host's project URL must lie under it, else the delivery comes from another GitLab than the host's project.
/// </summary>
public static class GitLabInstance
{
    /// <summary>True when the project URL lies under the instance URL, or when either is unknown (nothing to compare).</summary>
    public static bool Matches(string? instanceHeader, string? projectUrl)
    {
        if (string.IsNullOrWhiteSpace(instanceHeader) || string.IsNullOrWhiteSpace(projectUrl)) return true;
        if (!Uri.TryCreate(projectUrl.Trim(), UriKind.Absolute, out var project) || project.Scheme is not ("http" or "https")) return true;
        if (!Uri.TryCreate(instanceHeader.Trim(), UriKind.Absolute, out var instance)) return false;
        if (!string.Equals(instance.Scheme, project.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(instance.IdnHost, project.IdnHost, StringComparison.OrdinalIgnoreCase)
            || instance.Port != project.Port)
            return false;
        var root = instance.AbsolutePath.TrimEnd('/');
        return root.Length == 0 || project.AbsolutePath.StartsWith(root + "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The instance a project URL lies on, for messages ("https://gitlab.example.com").</summary>
    public static string Of(string projectUrl) =>
        Uri.TryCreate(projectUrl, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : projectUrl;
}
