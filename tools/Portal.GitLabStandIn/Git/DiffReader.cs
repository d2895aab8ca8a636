using System.Text;

namespace Portal.GitLabStandIn.Git;

public sealed record DiffEntry(
    string OldPath, string NewPath, string AMode, string BMode,
    bool NewFile, bool RenamedFile, bool DeletedFile,
    string Diff, bool Collapsed, bool TooLarge);

public sealed record DiffCollection(IReadOnlyList<DiffEntry> Diffs, bool Overflow);

/// <summary>
/// Diffs between two trees with GitLab's limits (Gitlab::Git::DiffCollection, Commit.max_diff_options and the
/// diff_max_patch_bytes setting): at most 1000 files, 50000 lines and 5 MB; a file's patch over 200 KB is "too_large"
/// and empty; past the safe limits (100 files, 5000 lines, 500 KB) patches are "collapsed" and empty. Hitting a hard
/// limit stops the list and sets <see cref="DiffCollection.Overflow"/> (the API's compare_timeout).
/// </summary>
public sealed class DiffReader(GitCli git)
{
    public const int MaxFiles = 1000;
    public const int MaxLines = 50_000;
    public const int MaxBytes = MaxFiles * 5 * 1024;
    public const int SafeMaxFiles = 100;
    public const int SafeMaxLines = 5_000;
    public const int SafeMaxBytes = SafeMaxFiles * 5 * 1024;
    public const int MaxPatchBytes = 200 * 1024;

    private static readonly string[] DiffOptions = ["-M", "--no-color", "--no-ext-diff", "--no-textconv", "--full-index"];

    public async Task<DiffCollection> DiffAsync(string repository, string from, string to, CancellationToken cancellationToken = default)
    {
        var entries = await RawEntriesAsync(repository, from, to, cancellationToken);
        var diffs = new List<DiffEntry>();
        int lines = 0, bytes = 0, index = 0;
        var overflow = entries.Count > MaxFiles;
        var patch = new StringBuilder();
        var patchBytes = 0;
        var inBody = false;

        bool Finish()
        {
            if (index >= entries.Count || index >= MaxFiles) return false;
            var raw = entries[index];
            var text = patch.ToString();
            var tooLarge = patchBytes > MaxPatchBytes;
            var lineCount = tooLarge ? 0 : CountLines(text);
            var collapsed = !tooLarge && lineCount > 0 && (index >= SafeMaxFiles || lines > SafeMaxLines || bytes >= SafeMaxBytes);
            var diff = tooLarge || collapsed ? "" : text;
            if (collapsed) lineCount = 0;
            lines += lineCount;
            bytes += Encoding.UTF8.GetByteCount(diff);
            if (lines >= MaxLines || bytes >= MaxBytes)
            {
                overflow = true;
                return false;
            }
            diffs.Add(raw with { Diff = diff, Collapsed = collapsed, TooLarge = tooLarge });
            index++;
            return true;
        }

        bool started = false, stopped = false;
        await foreach (var line in git.LinesAsync(repository, ["diff", "-p", "--src-prefix=a/", "--dst-prefix=b/", .. DiffOptions, from, to],
                           cancellationToken))
        {
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                if (started && !Finish())
                {
                    stopped = true;
                    break;
                }
                started = true;
                patch.Clear();
                patchBytes = 0;
                inBody = false;
                continue;
            }
            if (!inBody)
            {
                if (!line.StartsWith("@@", StringComparison.Ordinal) && !line.StartsWith("Binary files ", StringComparison.Ordinal)) continue;
                inBody = true;
            }
            patchBytes += Encoding.UTF8.GetByteCount(line) + 1;
            if (patchBytes <= MaxPatchBytes) patch.Append(line).Append('\n');
        }
        if (started && !stopped) Finish();
        return new DiffCollection(diffs, overflow);
    }

    private static int CountLines(string text)
    {
        var count = 0;
        foreach (var c in text)
            if (c == '\n') count++;
        return count;
    }

    /// <summary>Paths, modes and kinds of change from git diff --raw -z, in the order the patch lists them.</summary>
    private async Task<List<DiffEntry>> RawEntriesAsync(string repository, string from, string to, CancellationToken cancellationToken)
    {
        var result = await git.RunAsync(repository, ["diff", "--raw", "-z", "--no-abbrev", .. DiffOptions, from, to], cancellationToken: cancellationToken);
        var parts = result.Output.Split('\0');
        var entries = new List<DiffEntry>();
        for (var i = 0; i + 1 < parts.Length;)
        {
            var meta = parts[i].TrimStart(':').Split(' ');
            if (meta.Length < 5) break;
            var status = meta[4][0];
            var renamed = status is 'R' or 'C';
            var oldPath = parts[i + 1];
            var newPath = renamed ? parts[i + 2] : oldPath;
            i += renamed ? 3 : 2;
            entries.Add(new DiffEntry(oldPath, newPath, Mode(meta[0]), Mode(meta[1]),
                NewFile: status == 'A', RenamedFile: status == 'R', DeletedFile: status == 'D', Diff: "", Collapsed: false, TooLarge: false));
        }
        return entries;
    }

    /// <summary>GitLab prints modes in octal without padding: "100644", and "0" for the missing side.</summary>
    private static string Mode(string octal) => Convert.ToString(Convert.ToInt32(octal, 8), 8);
}
