using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.AwsEmulator.CodeBuild;

/// <summary>
/// The build's working directory: the source artifact's entries (read from its zip only when needed) and the files the
/// build's commands write, which are kept in memory (they are small: templates, manifests, ids).
/// </summary>
public sealed partial class BuildWorkspace(string? sourceZipPath) : IDisposable
{
    private readonly ZipArchive? source = sourceZipPath is null ? null : ZipFile.OpenRead(sourceZipPath);
    private readonly Dictionary<string, byte[]> written = new(StringComparer.Ordinal);

    public bool Exists(string path) => written.ContainsKey(Normal(path)) || source?.GetEntry(Normal(path)) is not null;

    public string? ReadText(string path)
    {
        if (written.TryGetValue(Normal(path), out var bytes)) return Encoding.UTF8.GetString(bytes);
        if (source?.GetEntry(Normal(path)) is not { } entry) return null;
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    public void Write(string path, string text) => written[Normal(path)] = Encoding.UTF8.GetBytes(text);

    public void Write(string path, byte[] bytes) => written[Normal(path)] = bytes;

    /// <summary>The files the artifacts section's globs match, written ones before source ones of the same name.</summary>
    public IReadOnlyList<string> Match(IEnumerable<string> globs)
    {
        var patterns = globs.Select(Glob).ToList();
        var names = written.Keys.Concat(source?.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName) ?? []).Distinct();
        return names.Where(n => patterns.Any(p => p.IsMatch(n))).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes the named files into a zip, as CodeBuild uploads a CODEPIPELINE artifact.</summary>
    public void Zip(IEnumerable<string> names, Stream destination)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var name in names)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
            using var target = entry.Open();
            if (written.TryGetValue(name, out var bytes)) target.Write(bytes);
            else if (source?.GetEntry(name) is { } original)
            {
                using var content = original.Open();
                content.CopyTo(target);
            }
        }
    }

    private static string Normal(string path) => path.Replace('\\', '/').TrimStart('.', '/');

    private static Regex Glob(string glob)
    {
        var pattern = new StringBuilder("^");
        var text = Normal(glob);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '*' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var slash = i + 2 < text.Length && text[i + 2] == '/';
                pattern.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (text[i] == '*') pattern.Append("[^/]*");
            else if (text[i] == '?') pattern.Append("[^/]");
            else pattern.Append(Regex.Escape(text[i].ToString()));
        }
        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    public void Dispose() => source?.Dispose();
}
