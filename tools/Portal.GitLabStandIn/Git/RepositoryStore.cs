using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn.Git;

/// <summary>
/// The bare repositories under DataPath/repositories/&lt;namespace&gt;/&lt;project&gt;.git and the post-receive hook they share
/// (core.hooksPath), which reports every push, over HTTP or straight into the repository, to the stand-in.
/// </summary>
public sealed class RepositoryStore(GitCli git, IOptions<StandInOptions> options)
{
    private readonly string dataPath = Path.GetFullPath(options.Value.DataPath);

    public string RepositoriesRoot => Path.Combine(dataPath, "repositories");
    public string HooksDirectory => Path.Combine(dataPath, "hooks");
    public string InternalDirectory => Path.Combine(dataPath, "internal");
    public string InternalUrlFile => Path.Combine(InternalDirectory, "url");
    public string SecretFile => Path.Combine(InternalDirectory, "secret");

    public string PathOf(ProjectRecord project) => Path.Combine(RepositoriesRoot, project.NamespacePath, project.Path + ".git");

    public async Task CreateAsync(ProjectRecord project, CancellationToken cancellationToken = default)
    {
        var path = PathOf(project);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await git.RunCheckedAsync(null, ["init", "--bare", "--quiet", $"--initial-branch={project.DefaultBranch}", path], cancellationToken);
        foreach (var (key, value) in RepositoryConfig())
            await git.RunCheckedAsync(path, ["config", key, value], cancellationToken);
    }

    /// <summary>Points the repository's HEAD at <paramref name="branch"/> (what the project's default branch is).</summary>
    public Task SetHeadAsync(ProjectRecord project, string branch, CancellationToken cancellationToken = default) =>
        git.RunCheckedAsync(PathOf(project), ["symbolic-ref", "HEAD", "refs/heads/" + branch], cancellationToken);

    /// <summary>Push options reach the hook only when the receiving side advertises them, as GitLab's Gitaly does.</summary>
    private IEnumerable<(string Key, string Value)> RepositoryConfig() =>
    [
        ("core.hooksPath", HooksDirectory),
        ("receive.advertisePushOptions", "true"),
        ("http.receivepack", "true"),
        ("uploadpack.allowFilter", "true"),
    ];

    /// <summary>Writes the hook, the secret it authenticates with, and where the stand-in listens. Run at every start.</summary>
    public void PrepareInternalApi(string internalUrl)
    {
        Directory.CreateDirectory(RepositoriesRoot);
        Directory.CreateDirectory(HooksDirectory);
        Directory.CreateDirectory(InternalDirectory);
        if (!File.Exists(SecretFile)) File.WriteAllText(SecretFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        File.WriteAllText(InternalUrlFile, internalUrl);
        var hook = Path.Combine(HooksDirectory, "post-receive");
        File.WriteAllText(hook, PostReceiveScript.Render(InternalUrlFile, SecretFile));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Secret => File.ReadAllText(SecretFile).Trim();

    /// <summary>The project a hook reports from, by the repository directory it ran in.</summary>
    public string RelativePathOf(string repositoryDirectory)
    {
        var relative = Path.GetRelativePath(RepositoriesRoot, Path.GetFullPath(repositoryDirectory));
        return relative.EndsWith(".git", StringComparison.Ordinal) ? relative[..^4] : relative;
    }
}
