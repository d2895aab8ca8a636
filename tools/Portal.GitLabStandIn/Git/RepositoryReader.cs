using System.Globalization;

namespace Portal.GitLabStandIn.Git;

/// <summary>Reads commits, refs and changes from a bare repository with the git CLI.</summary>
public sealed class RepositoryReader(GitCli git)
{
    public const string BlankSha = "0000000000000000000000000000000000000000";
    public const string EmptyTreeSha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    private const int CommitFields = 10;
    private const string CommitFormat = "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00"
        + "%(trailers:unfold,key_value_separator=%x1f,separator=%x1e)%x00%B%x00";

    /// <summary>The commit a sha, branch or tag names, or null (also for text git cannot take as a revision).</summary>
    public async Task<string?> ResolveCommitAsync(string repository, string? revision, CancellationToken cancellationToken = default)
    {
        if (revision is null || !GitCli.IsSafeArgument(revision) || revision.Length > 1024) return null;
        var result = await git.RunAsync(repository, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"],
            cancellationToken: cancellationToken);
        var sha = result.Output.Trim();
        return result.Ok && sha.Length == 40 ? sha : null;
    }

    public async Task<bool> IsEmptyAsync(string repository, CancellationToken cancellationToken = default)
    {
        var result = await git.RunAsync(repository, ["rev-list", "-n", "1", "--all"], cancellationToken: cancellationToken);
        return result.Output.Trim().Length == 0;
    }

    public async Task<CommitInfo?> ReadCommitAsync(string repository, string sha, CancellationToken cancellationToken = default) =>
        (await ReadCommitsAsync(repository, [sha], cancellationToken)).FirstOrDefault();

    /// <summary>Reads the given commits in the given order with one git call.</summary>
    public async Task<IReadOnlyList<CommitInfo>> ReadCommitsAsync(string repository, IReadOnlyList<string> shas,
        CancellationToken cancellationToken = default)
    {
        if (shas.Count == 0) return [];
        var result = await git.RunAsync(repository, ["log", "--no-walk=unsorted", CommitFormat, .. shas], cancellationToken: cancellationToken);
        if (!result.Ok) return [];
        var fields = result.Output.Split('\0');
        var commits = new List<CommitInfo>();
        for (var i = 0; i + CommitFields <= fields.Length; i += CommitFields)
        {
            var f = fields.AsSpan(i, CommitFields);
            commits.Add(new CommitInfo(
                f[0].TrimStart('\n'), f[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), f[2], f[3], f[4], f[5], f[6], f[7],
                f[9], ParseTrailers(f[8])));
        }
        return commits;
    }

    private static List<KeyValuePair<string, string>> ParseTrailers(string text) =>
        [.. text.Split('\x1e', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.Split('\x1f', 2))
            .Where(p => p.Length == 2)
            .Select(p => KeyValuePair.Create(p[0].Trim(), p[1].Trim()))];

    /// <summary>Commits reachable from <paramref name="head"/> and not from <paramref name="exclude"/> (git rev-list order).</summary>
    public async Task<IReadOnlyList<string>> RevListAsync(string repository, string head, string? exclude, int limit,
        CancellationToken cancellationToken = default)
    {
        List<string> args = ["rev-list", "-n", limit.ToString(CultureInfo.InvariantCulture), head];
        if (exclude is not null) args.Add("^" + exclude);
        var result = await git.RunAsync(repository, args, cancellationToken: cancellationToken);
        return result.Ok ? result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    public async Task<int> CountAsync(string repository, string head, string? exclude, CancellationToken cancellationToken = default)
    {
        List<string> args = ["rev-list", "--count", head];
        if (exclude is not null) args.Add("^" + exclude);
        var result = await git.RunAsync(repository, args, cancellationToken: cancellationToken);
        return result.Ok && int.TryParse(result.Output.Trim(), CultureInfo.InvariantCulture, out var count) ? count : 0;
    }

    /// <summary>Oldest first, as Gitlab::Git::Commit.between lists them.</summary>
    public async Task<IReadOnlyList<string>> CommitsBetweenAsync(string repository, string from, string to,
        CancellationToken cancellationToken = default)
    {
        var result = await git.RunAsync(repository, ["rev-list", "--reverse", to, "^" + from], cancellationToken: cancellationToken);
        return result.Ok ? result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    public async Task<string?> MergeBaseAsync(string repository, string a, string b, CancellationToken cancellationToken = default)
    {
        var result = await git.RunAsync(repository, ["merge-base", a, b], cancellationToken: cancellationToken);
        return result.Ok ? result.Output.Trim() : null;
    }

    /// <summary>Commit#repo_changes: paths against the first parent; a rename counts as an added path.</summary>
    public async Task<ChangedPaths> ChangedPathsAsync(string repository, CommitInfo commit, CancellationToken cancellationToken = default)
    {
        var parent = commit.ParentIds.Count > 0 ? commit.ParentIds[0] : EmptyTreeSha;
        var result = await git.RunAsync(repository, ["diff-tree", "-r", "-z", "-M", "--no-commit-id", "--name-status", parent, commit.Sha],
            cancellationToken: cancellationToken);
        List<string> added = [], modified = [], removed = [];
        var parts = result.Output.Split('\0');
        for (var i = 0; i < parts.Length - 1;)
        {
            var status = parts[i];
            if (status.Length == 0) break;
            if (status[0] is 'R' or 'C')
            {
                added.Add(parts[i + 2]);
                i += 3;
                continue;
            }
            (status[0] switch { 'A' => added, 'D' => removed, _ => modified }).Add(parts[i + 1]);
            i += 2;
        }
        return new ChangedPaths(added, modified, removed);
    }

    public async Task<CommitStats> StatsAsync(string repository, CommitInfo commit, CancellationToken cancellationToken = default)
    {
        var parent = commit.ParentIds.Count > 0 ? commit.ParentIds[0] : EmptyTreeSha;
        var result = await git.RunAsync(repository, ["diff", "--numstat", "-M", parent, commit.Sha], cancellationToken: cancellationToken);
        int additions = 0, deletions = 0;
        foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var columns = line.Split('\t');
            if (columns.Length < 2) continue;
            if (int.TryParse(columns[0], CultureInfo.InvariantCulture, out var a)) additions += a;
            if (int.TryParse(columns[1], CultureInfo.InvariantCulture, out var d)) deletions += d;
        }
        return new CommitStats(additions, deletions);
    }

    /// <summary>Branch names whose tip contains the commit, sorted by name.</summary>
    public async Task<IReadOnlyList<string>> BranchesContainingAsync(string repository, string sha, CancellationToken cancellationToken = default)
    {
        var result = await git.RunAsync(repository, ["for-each-ref", "--contains", sha, "--format=%(refname:lstrip=2)", "--sort=refname",
            "refs/heads/"], cancellationToken: cancellationToken);
        return result.Ok ? result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    public async Task<bool> BranchExistsAsync(string repository, string branch, CancellationToken cancellationToken = default) =>
        (await git.RunAsync(repository, ["show-ref", "--verify", "--quiet", "refs/heads/" + branch], cancellationToken: cancellationToken)).Ok;

    public async Task<TagInfo?> FindTagAsync(string repository, string name, CancellationToken cancellationToken = default)
    {
        var result = await git.RunAsync(repository, ["for-each-ref", "--format=%(objectname)%00%(*objectname)%00%(objecttype)%00%(contents)",
            "refs/tags/" + name], cancellationToken: cancellationToken);
        var fields = result.Output.Split('\0');
        if (!result.Ok || fields.Length < 4) return null;
        var annotated = fields[2] == "tag";
        var commit = annotated ? fields[1] : fields[0];
        return new TagInfo(name, fields[0], commit, annotated ? fields[3].TrimEnd('\n') : "");
    }

    /// <summary>The tag with the greatest name (tags_sorted_by(:name_desc)), or null.</summary>
    public async Task<string?> LatestTagNameAsync(string repository, CancellationToken cancellationToken = default)
    {
        var result = await git.RunAsync(repository, ["for-each-ref", "--sort=-refname", "--count=1", "--format=%(refname:lstrip=2)",
            "refs/tags/"], cancellationToken: cancellationToken);
        var name = result.Output.Trim();
        return name.Length > 0 ? name : null;
    }

    /// <summary>True when the path names a file or directory of the commit's tree.</summary>
    public async Task<bool> PathExistsAsync(string repository, string sha, string path, CancellationToken cancellationToken = default)
    {
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0) return true;
        if (trimmed.Contains('\0')) return false;
        var result = await git.RunAsync(repository, ["cat-file", "-e", $"{sha}:{trimmed}"], cancellationToken: cancellationToken);
        return result.Ok;
    }
}
