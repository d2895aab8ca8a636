using System.IO.Compression;

namespace Portal.GitLab;

/// <summary>
/// Turns GitLab's archive of a commit into the zip CodePipeline's S3 source action takes. GitLab puts every file under
/// one folder named after the project, ref and commit (Repository#archive_prefix, "&lt;project&gt;-&lt;ref&gt;-&lt;sha&gt;/"),
/// while CodeBuild looks for buildspec.yml (and the AMI bake for its scripts) at the root of the source: so the same
/// files are written again without that folder, relative to <c>folder</c> when only a folder was asked for. File modes
/// (executable scripts) and times are kept. Works file to file, so memory stays flat whatever the size.
/// </summary>
public static class SourceBundle
{
    public static async Task<TempFile> FromArchiveAsync(TempFile archive, string? folder, GitLabOptions options, CancellationToken cancellationToken)
    {
        var bundle = TempFile.Create(options.WorkDirectory, ".zip");
        try
        {
            await using (var input = archive.OpenRead())
            await using (var output = bundle.OpenWrite())
                await RepackAsync(input, output, folder, options.MaxUnpackedBytes, cancellationToken);
            bundle.Refresh();
            return bundle;
        }
        catch
        {
            bundle.Dispose();
            throw;
        }
    }

    private static async Task RepackAsync(Stream input, Stream output, string? folder, long maxUnpackedBytes, CancellationToken cancellationToken)
    {
        ZipArchive source;
        try
        {
            source = new ZipArchive(input, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new SourceUnreadableException($"GitLab's archive is not a readable zip: {e.Message}", e);
        }
        using (source)
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var root = RootOf(source, folder);
            long unpacked = 0;
            foreach (var entry in source.Entries)
            {
                if (!entry.FullName.StartsWith(root, StringComparison.Ordinal) || entry.FullName.Length == root.Length) continue;
                var name = entry.FullName[root.Length..];
                if (name.EndsWith('/')) continue; // CodeBuild makes the folders of the files it unpacks.
                if (name.StartsWith('/') || name.Split('/').Contains(".."))
                    throw new SourceUnreadableException($"GitLab's archive holds an entry outside its folder: '{entry.FullName}'.");
                unpacked += entry.Length;
                if (unpacked > maxUnpackedBytes)
                    throw new SourceTooLargeException($"The commit's files add up to more than {maxUnpackedBytes / 1024 / 1024} MiB unpacked, more than the portal takes.");
                var copy = target.CreateEntry(name, CompressionLevel.Fastest);
                copy.ExternalAttributes = entry.ExternalAttributes;
                copy.LastWriteTime = entry.LastWriteTime;
                await using var from = await entry.OpenAsync(cancellationToken);
                await using var to = await copy.OpenAsync(cancellationToken);
                await from.CopyToAsync(to, cancellationToken);
            }
        }
    }

    /// <summary>The folder every entry sits in ("prefix/", or "prefix/folder/"); a zip whose entries do not share one is refused.</summary>
    private static string RootOf(ZipArchive archive, string? folder)
    {
        var first = archive.Entries.FirstOrDefault()?.FullName;
        var slash = first?.IndexOf('/') ?? -1;
        if (first is null || slash <= 0) throw new SourceUnreadableException("GitLab's archive is empty or has no top folder.");
        var prefix = first[..(slash + 1)];
        if (archive.Entries.Any(e => !e.FullName.StartsWith(prefix, StringComparison.Ordinal)))
            throw new SourceUnreadableException("GitLab's archive has more than one top folder.");
        return string.IsNullOrEmpty(folder?.Trim('/')) ? prefix : prefix + folder.Trim('/') + "/";
    }
}
