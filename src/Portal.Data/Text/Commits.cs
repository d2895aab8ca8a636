namespace Portal.Data.Text;

public static class Commits
{
    /// <summary>The first 8 characters of a commit id, as GitLab and the pages show it.</summary>
    public static string Short(string commitId) => commitId.Length > 8 ? commitId[..8] : commitId;
}
