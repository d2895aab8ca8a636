using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using Portal.GitLabStandIn.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;

namespace Portal.GitLabStandIn.Tests;

/// <summary>Commit, compare and archive routes (lib/api/commits.rb, lib/api/repositories.rb) over a real repository.</summary>
public sealed class RepositoryApiTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private StandInHost Host => fixture.Host;

    [Fact]
    public async Task A_commit_has_gitlabs_fields_stats_and_trailers()
    {
        var project = await Host.NewProjectAsync();
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        work.Commit("base", ("a.txt", "1\n2\n"));
        var sha = work.Commit("Change a\n\nBody line\n\nSigned-off-by: Ann <ann@example.com>", ("a.txt", "1\n3\n4\n"));
        work.Run("push", "-q", "origin", "HEAD:main");
        using var api = Host.Api(project.Token);
        foreach (var reference in new[] { sha, "main", sha[..10] })
        {
            var (status, json, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{reference}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(sha, json!["id"]!.GetValue<string>());
            Assert.Equal(sha[..8], json["short_id"]!.GetValue<string>());
            Assert.Equal("Change a", json["title"]!.GetValue<string>());
            Assert.Equal("Test Author", json["author_name"]!.GetValue<string>());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000[+-]\d\d:\d\d$", json["authored_date"]!.GetValue<string>());
            Assert.Equal("""{"additions":2,"deletions":1,"total":3}""", json["stats"].Json());
            Assert.Equal("Ann <ann@example.com>", json["trailers"]!["Signed-off-by"]!.GetValue<string>());
            Assert.EndsWith($"/{project.Path}/-/commit/{sha}", json["web_url"]!.GetValue<string>());
        }
        var (noStats, noStatsJson, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{sha}?stats=false");
        Assert.Equal(HttpStatusCode.OK, noStats);
        Assert.Null(noStatsJson!["stats"]);
        foreach (var unknown in new[] { new string('f', 40), "no-such-branch", "--all", "HEAD~999", Uri.EscapeDataString("main\u0001x") })
        {
            var (status, json, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/commits/{unknown}");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("""{"message":"404 Commit Not Found"}""", json.Json());
        }
    }

    [Fact]
    public async Task Compare_lists_the_commits_and_the_changed_files_of_a_push()
    {
        var project = await Host.NewProjectAsync();
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        var from = work.Commit("base", ("infra/main.tf", "a"), ("app/x.txt", "x"), ("old/name.txt", "same content here\n"));
        Directory.CreateDirectory(Path.Combine(work.Directory, "new"));
        File.Move(Path.Combine(work.Directory, "old/name.txt"), Path.Combine(work.Directory, "new/name.txt"));
        var middle = work.Commit("move", ("app/x.txt", "y"));
        work.Remove("infra/main.tf");
        var to = work.Commit("remove infra", ("app/new.txt", "n"));
        work.Run("push", "-q", "origin", "HEAD:main");
        using var api = Host.Api(project.Token);
        var (status, json, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/compare?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([middle, to], json!["commits"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToArray());
        Assert.Equal(to, json["commit"]!["id"]!.GetValue<string>());
        Assert.False(json["compare_timeout"]!.GetValue<bool>());
        Assert.False(json["compare_same_ref"]!.GetValue<bool>());
        var diffs = json["diffs"]!.AsArray().ToDictionary(d => d!["new_path"]!.GetValue<string>());
        Assert.Equal(["app/new.txt", "app/x.txt", "infra/main.tf", "new/name.txt"], diffs.Keys.Order().ToArray());
        Assert.True(diffs["app/new.txt"]!["new_file"]!.GetValue<bool>());
        Assert.Equal("0", diffs["app/new.txt"]!["a_mode"]!.GetValue<string>());
        Assert.True(diffs["infra/main.tf"]!["deleted_file"]!.GetValue<bool>());
        Assert.True(diffs["new/name.txt"]!["renamed_file"]!.GetValue<bool>());
        Assert.Equal("old/name.txt", diffs["new/name.txt"]!["old_path"]!.GetValue<string>());
        Assert.StartsWith("@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y", diffs["app/x.txt"]!["diff"]!.GetValue<string>());

        var (_, same, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/compare?from=main&to={to}");
        Assert.True(same!["compare_same_ref"]!.GetValue<bool>());
        Assert.Empty(same["diffs"]!.AsArray());
        Assert.Null(same["commit"]);
        var (refStatus, refJson, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/compare?from=nope&to=main");
        Assert.Equal(HttpStatusCode.NotFound, refStatus);
        Assert.Equal("""{"message":"404 Ref Not Found"}""", refJson.Json());
        var (missingStatus, missingJson, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/compare?from=main");
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Equal("""{"error":"to is missing"}""", missingJson.Json());
    }

    [Fact]
    public async Task Compare_caps_the_diff_list_like_gitlab()
    {
        var project = await Host.NewProjectAsync();
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        var from = work.Commit("empty", ("keep.txt", "k"));
        var to = work.Commit("many", [.. Enumerable.Range(0, 1005).Select(i => ($"many/{i:D4}.txt", $"line {i}\n"))]);
        work.Run("push", "-q", "origin", "HEAD:main");
        using var api = Host.Api(project.Token);
        var (_, json, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/compare?from={from}&to={to}");
        var diffs = json!["diffs"]!.AsArray();
        Assert.True(json["compare_timeout"]!.GetValue<bool>());
        Assert.Equal(1000, diffs.Count);
        Assert.False(diffs[99]!["collapsed"]!.GetValue<bool>());
        Assert.True(diffs[100]!["collapsed"]!.GetValue<bool>());
        Assert.Equal("", diffs[100]!["diff"]!.GetValue<string>());
    }

    [Fact]
    public async Task Archives_come_as_zip_tar_and_tar_gz_with_workhorses_file_name()
    {
        var project = await Host.NewProjectAsync();
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        var sha = work.Commit("files", ("src/app.cs", "app"), ("docs/readme.md", "doc"));
        work.Run("push", "-q", "origin", "HEAD:main");
        var name = project.Path.Split('/')[1];
        using var api = Host.Api(project.Token);

        using var zip = await api.GetAsync($"projects/{project.Id}/repository/archive.zip?sha={sha}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"attachment; filename=\"{name}-{sha}-{sha}.zip\"", zip.Content.Headers.ContentDisposition!.ToString());
        Assert.True(zip.Headers.TransferEncodingChunked);
        Assert.Equal("binary", zip.Headers.GetValues("Content-Transfer-Encoding").Single());
        using (var archive = new ZipArchive(await zip.Content.ReadAsStreamAsync()))
            Assert.Contains($"{name}-{sha}-{sha}/src/app.cs", archive.Entries.Select(e => e.FullName));

        using var gz = await api.GetAsync($"projects/{project.Id}/repository/archive");
        Assert.Equal($"attachment; filename=\"{name}-main-{sha}.tar.gz\"", gz.Content.Headers.ContentDisposition!.ToString());
        Assert.Contains($"{name}-main-{sha}/docs/readme.md", await TarEntriesAsync(new GZipStream(await gz.Content.ReadAsStreamAsync(), CompressionMode.Decompress)));

        using var tar = await api.GetAsync($"projects/{project.Id}/repository/archive.tar?sha=main&path=src");
        var entries = await TarEntriesAsync(await tar.Content.ReadAsStreamAsync());
        Assert.Contains($"{name}-main-{sha}-src/src/app.cs", entries);
        Assert.DoesNotContain(entries, e => e.Contains("readme"));
    }

    [Fact]
    public async Task Archive_refusals_follow_gitlab()
    {
        var project = await Host.NewProjectAsync();
        using var api = Host.Api(project.Token);
        var (emptyStatus, empty, _) = await api.GetJsonAsync($"projects/{project.Id}/repository/archive.zip");
        Assert.Equal(HttpStatusCode.NotFound, emptyStatus);
        Assert.Equal("""{"message":"404 File Not Found"}""", empty.Json());
        using var work = GitWork.Clone(project.HttpUrl, "x", project.Token);
        work.Commit("f", ("f.txt", "f"));
        work.Run("push", "-q", "origin", "HEAD:main");
        Assert.Equal("""{"message":"404 File Not Found"}""", (await api.GetJsonAsync($"projects/{project.Id}/repository/archive?sha=deadbeef")).Json.Json());
        Assert.Equal("""{"message":"404 File Not Found"}""", (await api.GetJsonAsync($"projects/{project.Id}/repository/archive?path=nowhere")).Json.Json());
        Assert.Equal("""{"error":"404 Not Found"}""", (await api.GetJsonAsync($"projects/{project.Id}/repository/archive.rar")).Json.Json());
        var guest = await Host.CreateUserAsync("g" + Guid.NewGuid().ToString("N")[..8]);
        await Host.AddMemberAsync(project.Id, guest, 10);
        var (_, guestToken) = await Host.PersonalTokenAsync(guest, ["api"]);
        using var guestApi = Host.Api(guestToken);
        var (guestStatus, guestJson, _) = await guestApi.GetJsonAsync($"projects/{project.Id}/repository/archive");
        Assert.Equal(HttpStatusCode.Forbidden, guestStatus);
        Assert.Equal("""{"message":"403 Forbidden"}""", guestJson.Json());
    }

    private static async Task<List<string>> TarEntriesAsync(Stream stream)
    {
        var names = new List<string>();
        await using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync() is { } entry) names.Add(entry.Name);
        return names;
    }
}
