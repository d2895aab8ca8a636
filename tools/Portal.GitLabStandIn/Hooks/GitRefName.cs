namespace Portal.GitLabStandIn.Hooks;

/// <summary>Gitlab::GitRefValidator.validate: git's check-ref-format rules for refs/heads/&lt;name&gt;, minus GitLab's prefixes.</summary>
public static class GitRefName
{
    private static readonly string[] DisallowedPrefixes = ["refs/heads/", "refs/tags/", "refs/remotes/", "-"];

    public static bool IsValidBranch(string name)
    {
        if (name.Length == 0 || name == "HEAD") return false;
        if (DisallowedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))) return false;
        if (name.Contains("..", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal) || name == "@") return false;
        if (name.EndsWith('/') || name.EndsWith('.') || name.Contains("//", StringComparison.Ordinal)) return false;
        if (name.Any(c => c < 0x20 || c == 0x7f || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\')) return false;
        return name.Split('/').All(part => part.Length > 0 && !part.StartsWith('.') && !part.EndsWith(".lock", StringComparison.Ordinal));
    }
}
