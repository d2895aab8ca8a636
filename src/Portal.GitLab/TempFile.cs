namespace Portal.GitLab;

/// <summary>A file of the portal's own in its work folder (an archive on its way to S3), deleted when disposed.</summary>
public sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public long Length { get; private set; }

    public static TempFile Create(string directory, string extension)
    {
        Directory.CreateDirectory(directory);
        var file = new TempFile(System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N") + extension));
        File.Create(file.Path).Dispose();
        return file;
    }

    public FileStream OpenWrite() => new(Path, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);

    public FileStream OpenRead() => new(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);

    public void Refresh() => Length = new FileInfo(Path).Length;

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
