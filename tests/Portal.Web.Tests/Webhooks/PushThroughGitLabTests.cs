using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Aws.CloudFormation;
using Portal.Aws.CodePipeline;
using Portal.Aws.S3;
using Portal.AwsEmulator.Faults;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;
using Portal.Releases;
using Portal.Releases.Starting;
using Portal.Tests.Support;
using Portal.Tests.Support.GitLabStandIn;
using Portal.Web.Tests.Api;

namespace Portal.Web.Tests.Webhooks;

/// <summary>
/// The push journey with nothing made by hand: the order's api token lets the portal register its own webhook at the
/// stand-in; a real <c>git push</c> makes the stand-in send GitLab's push hook; the portal puts exactly that commit in S3
/// and the execution builds that object version; the outcome comes back to the commit as a GitLab commit status.
/// </summary>
public sealed class PushThroughGitLabTests(PushThroughGitLabFixture world) : IClassFixture<PushThroughGitLabFixture>, IAsyncLifetime
{
    private readonly PortalFixture fixture = world.Portal;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => fixture.Emulator.ClearFaultsAsync();

    [Fact]
    public async Task A_git_push_releases_exactly_its_commit_and_GitLab_shows_success_linking_to_the_release()
    {
        var (host, repository) = await OrderedHostAsync("pushed");
        using (repository)
        {
            await WaitForPortalHookAsync(repository, "^(dev)$");

            var sha = repository.Commit("dev", "Ship the new page", ("index.html", "<h1>new page</h1>\n"), ("docs/notes.txt", "notes\n"));
            var release = await ReleaseOfAsync(host, sha, r => r.State == ReleaseState.Succeeded, "Succeeded");

            await AssertBuiltFromTheCommitAsync(host, release, repository, sha);
            var status = await WaitForStatusAsync(repository, sha, "success");
            Assert.Equal("portal/dev", status["name"]!.GetValue<string>());
            Assert.Equal("dev", status["ref"]!.GetValue<string>());
            Assert.Equal(new Uri(fixture.Portal.BaseUrl, $"hosts/{host.Name}?release={release.Id:N}").ToString(), status["target_url"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_git_push_whose_build_fails_shows_failed_in_GitLab_with_the_reason()
    {
        var (host, repository) = await OrderedHostAsync("broken");
        using (repository)
        {
            await WaitForPortalHookAsync(repository, "^(dev)$");
            var pipeline = host.Environments.Single().PipelineName!;
            await fixture.Emulator.AddFaultsAsync(new FaultSettings
            {
                Actions = [new ActionFault { PipelineName = pipeline, StageName = "Build", Code = "JobFailed", Message = "npm test: 2 failing", Times = 1 }],
            });

            var sha = repository.Commit("dev", "Break the tests", ("index.html", "<h1>broken</h1>\n"));
            var release = await ReleaseOfAsync(host, sha, r => r.State == ReleaseState.Failed, "Failed");

            await AssertBuiltFromTheCommitAsync(host, release, repository, sha);
            var status = await WaitForStatusAsync(repository, sha, "failed");
            Assert.Equal("portal/dev", status["name"]!.GetValue<string>());
            Assert.Contains("npm test: 2 failing", status["description"]!.GetValue<string>());
            Assert.Equal(new Uri(fixture.Portal.BaseUrl, $"hosts/{host.Name}?release={release.Id:N}").ToString(), status["target_url"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task While_GitLab_cannot_serve_the_archive_the_release_retries_then_fails_with_the_reason_and_a_retry_releases_it()
    {
        var (host, repository) = await OrderedHostAsync("outage");
        using (repository)
        {
            await WaitForPortalHookAsync(repository, "^(dev)$");
            await OutageAsync(repository, down: true);
            string sha;
            Release failed;
            try
            {
                sha = repository.Commit("dev", "Pushed while GitLab is down", ("index.html", "<h1>later</h1>\n"));
                failed = await ReleaseOfAsync(host, sha, r => r.State == ReleaseState.Failed, "Failed");
            }
            finally
            {
                await OutageAsync(repository, down: false);
            }

            Assert.Equal(PushThroughGitLabFixture.MaxStartAttempts, failed.StartAttempts);
            Assert.Contains($"after {PushThroughGitLabFixture.MaxStartAttempts} attempts", failed.StateReason);
            Assert.Contains("GitLab answered 502", failed.StateReason);
            Assert.Null(failed.PipelineExecutionId);
            Assert.Equal(HostState.Active, (await fixture.World.HostAsync(host.Id)).State);

            var outcome = await fixture.Portal.WithScopeAsync(services =>
                services.GetRequiredService<ReleaseActions>().RetryAsync(failed.Id, new Actor(null, "customer@example.test"), default));
            Assert.Equal(ActionOutcome.Done, outcome.Outcome);
            var released = await ReleaseOfAsync(host, sha, r => r.State == ReleaseState.Succeeded, "Succeeded");
            await AssertBuiltFromTheCommitAsync(host, released, repository, sha);
            await WaitForStatusAsync(repository, sha, "success");
        }
    }

    [Fact]
    public async Task An_archive_over_the_limit_fails_the_release_with_the_limit_and_uploads_nothing()
    {
        var (host, repository) = await OrderedHostAsync("huge");
        using (repository)
        {
            await WaitForPortalHookAsync(repository, "^(dev)$");
            // Random bytes do not compress: the archive is larger than the limit however GitLab zips it.
            var noise = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2 * PushThroughGitLabFixture.MaxArchiveBytes));
            var sha = repository.Commit("dev", "Commit a large file", ("assets/blob.txt", noise));
            var failed = await ReleaseOfAsync(host, sha, r => r.State == ReleaseState.Failed, "Failed");

            Assert.Contains("the portal takes archives of up to 0.5 MiB", failed.StateReason);
            Assert.Equal(1, failed.StartAttempts);
            Assert.Null(failed.SourceVersionId);
            var environment = (await fixture.World.HostAsync(host.Id)).Environments.Single();
            var head = await fixture.Portal.Services.GetRequiredService<IArtifactStore>()
                .HeadAsync(environment.Outputs[StackOutputs.SoftwareSourceBucket], $"{environment.Outputs[StackOutputs.SoftwareSourcePrefix]}{failed.Id:N}.zip");
            Assert.Null(head);
            var status = await WaitForStatusAsync(repository, sha, "failed");
            Assert.Contains("0.5 MiB", status["description"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task The_AMI_the_infrastructure_pipeline_baked_from_the_repository_is_rolled_into_the_launch_template()
    {
        var (host, repository) = await OrderedHostAsync("baked");
        using (repository)
        {
            var platform = fixture.Portal.Services.GetRequiredService<PlatformSettings>();
            var cloudFormation = fixture.Portal.Services.GetRequiredService<ICloudFormation>();
            var environment = await Poll.UntilAsync(async () => (await fixture.World.HostAsync(host.Id)).Environments.Single(),
                e => e.AmiId is not null && !e.AmiRolloutDue && e.State == EnvironmentState.Active && e.BakeExecutionId is null,
                TimeSpan.FromSeconds(90), "the baked image rolled out", e => $"{e.State} AMI {e.AmiId} rollout due {e.AmiRolloutDue}: {e.BakeStatus}");

            Assert.Matches("^ami-[0-9a-f]{17}$", environment.AmiId);
            Assert.NotEqual(platform.DefaultAmiId, environment.AmiId);
            Assert.Equal(repository.Head("dev"), environment.InfrastructureCommitId);
            var software = await cloudFormation.DescribeStackAsync(environment.SoftwareStackId!);
            Assert.Equal("UPDATE_COMPLETE", software!.StackStatus);
            Assert.Equal(environment.AmiId, Assert.Single(software.Parameters, p => p.Key == "AmiId").Value);
        }
    }

    private async Task OutageAsync(GitLabRepository repository, bool down)
    {
        using var response = down
            ? await fixture.World.GitLab.Admin.PutAsync($"projects/{repository.ProjectId}/archive-outage", null)
            : await fixture.World.GitLab.Admin.DeleteAsync($"projects/{repository.ProjectId}/archive-outage");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A dev-only host ordered through the API with the api token of a new stand-in project, provisioned.</summary>
    private async Task<(Host Host, GitLabRepository Repository)> OrderedHostAsync(string name)
    {
        var (_, api) = await new HostApiHelpers(fixture).CustomerAsync();
        var repository = await GitLabRepository.CreateAsync(fixture.World.GitLab, "dev");
        var created = await HostApiHelpers.OrderAsync(api, name, project: repository.Path, token: repository.Token);
        var host = await fixture.World.WaitForAsync(created.GetProperty("host").GetProperty("id").GetGuid(), HostState.Active);
        return (host, repository);
    }

    private Task<JsonObject> WaitForPortalHookAsync(GitLabRepository repository, string branchFilter) =>
        StandInPushes.WaitForPortalHookAsync(fixture, repository, branchFilter);

    private Task<Release> ReleaseOfAsync(Host host, string sha, Func<Release, bool> condition, string what) =>
        StandInPushes.ReleaseOfAsync(fixture, host.Id, host.Environments.Single().Id, sha, condition, what);

    /// <summary>
    /// The execution started on the object version the release uploaded, and that object holds exactly the commit's files
    /// at the root (what CodeBuild unpacks), as git has them.
    /// </summary>
    private async Task AssertBuiltFromTheCommitAsync(Host host, Release release, GitLabRepository repository, string sha)
    {
        Assert.False(string.IsNullOrEmpty(release.SourceVersionId));
        var environment = await fixture.World.HostAsync(host.Id).ContinueWith(t => t.Result.Environments.Single());
        var pipelines = fixture.Portal.Services.GetRequiredService<IPipelines>();
        var execution = await pipelines.GetExecutionAsync(environment.PipelineName!, release.PipelineExecutionId!);
        Assert.Equal(sha, execution.Variables[PipelineVariables.CommitId]);
        // The source artifact's revision is the S3 object version the release uploaded, summarised by the commit.
        var source = Assert.Single(execution.ArtifactRevisions, a => a.RevisionId == release.SourceVersionId);
        Assert.StartsWith(sha[..7], source.RevisionSummary);

        var bucket = environment.Outputs[StackOutputs.SoftwareSourceBucket];
        var files = await fixture.Portal.Services.GetRequiredService<IArtifactStore>().ReadAsync(bucket, release.SourceKey!, release.SourceVersionId, async stream =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            using var zip = new ZipArchive(copy, ZipArchiveMode.Read);
            return zip.Entries.ToDictionary(e => e.FullName, e => new StreamReader(e.Open()).ReadToEnd());
        });
        var committed = repository.Work.Run("ls-tree", "-r", "--name-only", sha).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(committed.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        foreach (var path in committed) Assert.Equal(repository.Work.Run("show", $"{sha}:{path}"), files[path]);
    }

    private async Task<JsonObject> WaitForStatusAsync(GitLabRepository repository, string sha, string state)
    {
        using var api = fixture.World.GitLab.Api(repository.Token);
        var statuses = await Poll.UntilAsync(async () =>
                (await api.GetFromJsonAsync<JsonArray>($"projects/{repository.ProjectId}/repository/commits/{sha}/statuses"))!.OfType<JsonObject>().ToList(),
            list => list.Any(s => s["status"]!.GetValue<string>() == state), TimeSpan.FromSeconds(30), $"a {state} status of {sha}",
            list => string.Join(", ", list.Select(s => $"{s["name"]}={s["status"]}")));
        return statuses.Single(s => s["status"]!.GetValue<string>() == state);
    }
}

/// <summary>
/// A world whose portal retries a release's start quickly (a few attempts, short backoff) and takes archives of at most
/// 512 KiB, so the tests can exhaust the retries and exceed the limit in seconds.
/// </summary>
public sealed class PushThroughGitLabFixture : IAsyncLifetime
{
    public const int MaxStartAttempts = 3;
    public const int MaxArchiveBytes = 512 * 1024;

    public PortalFixture Portal { get; } = new(new Dictionary<string, string?>
    {
        ["Releases:MaxStartAttempts"] = MaxStartAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Releases:RetryBaseDelay"] = "00:00:00.100",
        ["Releases:RetryMaxDelay"] = "00:00:00.400",
        ["Releases:StartPollInterval"] = "00:00:00.100",
        ["GitLab:MaxArchiveBytes"] = MaxArchiveBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => Portal.InitializeAsync();

    public Task DisposeAsync() => Portal.DisposeAsync();
}
