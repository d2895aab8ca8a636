using System.Buffers;
using System.Diagnostics;

namespace Portal.GitLabStandIn.Git;

/// <summary>An archive format as Repository#archive_file_path names it and Workhorse serves it.</summary>
public sealed record ArchiveFormat(string Extension, string GitFormat, string ContentType)
{
    /// <summary>zip, tar, tar.bz2 (tbz, tbz2, tb2, bz2); anything else, and no format, is tar.gz.</summary>
    public static ArchiveFormat Of(string? format) => format switch
    {
        "zip" => new("zip", "zip", "application/zip"),
        "tar" => new("tar", "tar", "application/octet-stream"),
        "tar.bz2" or "tbz" or "tbz2" or "tb2" or "bz2" => new("tar.bz2", "tar.bz2", "application/octet-stream"),
        _ => new("tar.gz", "tar.gz", "application/octet-stream"),
    };

    /// <summary>Repository#archive_prefix with append_sha (the API's): "&lt;project&gt;-&lt;ref&gt;-&lt;sha&gt;[-&lt;path&gt;]".</summary>
    public static string Prefix(string projectPath, string @ref, string sha, string? path)
    {
        var segments = new List<string> { projectPath, @ref.Replace('/', '-'), sha };
        if (path is not null) segments.Add(path.Trim('/').Replace('/', '-'));
        return string.Join('-', segments);
    }
}

/// <summary>Archives being streamed and bytes sent, to show (and test) that archives are not held in memory.</summary>
public sealed class ArchiveStats
{
    private long inFlight;
    private long bytes;

    public long InFlight => Interlocked.Read(ref inFlight);
    public long BytesStreamed => Interlocked.Read(ref bytes);

    public void Started() => Interlocked.Increment(ref inFlight);
    public void Finished() => Interlocked.Decrement(ref inFlight);
    public void Sent(int count) => Interlocked.Add(ref bytes, count);
}

/// <summary>
/// Streams git archive's output to the response as it comes (64 KB at a time, back-pressured by the client), with
/// Workhorse's headers: Content-Disposition attachment; filename="&lt;prefix&gt;.&lt;ext&gt;", Content-Transfer-Encoding binary,
/// and no Content-Length.
/// </summary>
public sealed class ArchiveStreamer(GitCli git, ArchiveStats stats)
{
    private const int ChunkSize = 64 * 1024;

    public async Task StreamAsync(HttpContext http, string repository, string commit, string prefix, ArchiveFormat format, string? path,
        IReadOnlyList<string> excludes)
    {
        List<string> args = [];
        if (format.GitFormat == "tar.bz2") args.AddRange(["-c", "tar.tar.bz2.command=bzip2 -c"]);
        args.AddRange(["archive", $"--format={format.GitFormat}", $"--prefix={prefix}/", commit]);
        var pathspecs = new List<string>();
        if (path is not null && path.Trim('/').Length > 0) pathspecs.Add(path.Trim('/'));
        pathspecs.AddRange(excludes.Where(e => e.Length > 0).Select(e => $":(exclude){e.Trim('/')}"));
        if (pathspecs.Count > 0) args.AddRange(["--", .. pathspecs]);

        http.Response.StatusCode = 200;
        http.Response.ContentType = format.ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{prefix}.{format.Extension}\"";
        http.Response.Headers["Content-Transfer-Encoding"] = "binary";
        using var process = Process.Start(git.StartInfo(repository, args)) ?? throw new InvalidOperationException("git did not start");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        stats.Started();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var output = process.StandardOutput.BaseStream;
            int read;
            while ((read = await output.ReadAsync(buffer.AsMemory(0, ChunkSize), http.RequestAborted)) > 0)
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, read), http.RequestAborted);
                stats.Sent(read);
            }
            await process.WaitForExitAsync(http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            GitCli.Kill(process);
            stats.Finished();
            await error;
        }
    }
}
