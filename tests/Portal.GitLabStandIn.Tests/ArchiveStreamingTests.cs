using System.Net;
using System.Security.Cryptography;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>
/// An archive is streamed from git archive as the client reads it: while a client holds back after the first chunk,
/// the stand-in has passed on only what the socket buffers take, far less than the archive.
/// </summary>
public sealed class ArchiveStreamingTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private const int Files = 12;
    private const int FileSize = 4 * 1024 * 1024;

    [Fact]
    public async Task A_large_archive_is_not_buffered_by_the_stand_in()
    {
        var host = fixture.Host;
        var project = await host.NewProjectAsync();
        using var work = GitWork.Init();
        for (var i = 0; i < Files; i++) File.WriteAllBytes(Path.Combine(work.Directory, $"blob{i}.bin"), RandomNumberGenerator.GetBytes(FileSize));
        // Committed straight into the bare repository: a push would spend most of the test packing incompressible data.
        var bare = Path.Combine(host.DataPath, "repositories", project.Path + ".git");
        work.Run("--git-dir", bare, "--work-tree", work.Directory, "-c", "core.compression=0", "add", "-A");
        work.Run("--git-dir", bare, "--work-tree", work.Directory, "commit", "-q", "-m", "large");
        var total = (long)Files * FileSize;
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var api = host.Api(project.Token);
        using var response = await api.GetAsync($"projects/{project.Id}/repository/archive.tar", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        var read = await body.ReadAsync(buffer);
        Assert.True(read > 0);
        await Task.Delay(1500);
        var stats = await host.AdminGetAsync("stats");
        Assert.Equal(1, stats["archives_in_flight"]!.GetValue<long>());
        var streamed = stats["archive_bytes_streamed"]!.GetValue<long>();
        Assert.True(streamed < total / 4, $"the stand-in read {streamed} of {total} bytes ahead of a paused client");

        long received = read;
        while ((read = await body.ReadAsync(buffer)) > 0) received += read;
        Assert.True(received > total, $"archive of {received} bytes for {total} bytes of files");
        Console.WriteLine($"archive: {received} bytes; {streamed} streamed while the client paused; {started.Elapsed.TotalSeconds:0.0} s");
    }
}
