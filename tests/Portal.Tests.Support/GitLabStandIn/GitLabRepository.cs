namespace Portal.Tests.Support.GitLabStandIn;

/// <summary>
/// A customer's project at the stand-in with a real repository: a working copy that commits and pushes over HTTP with
/// git, as a developer would. The first commit holds a software repository the emulated build and deploy take (a
/// buildspec, an appspec, a page) and an infrastructure folder for the image bake; it is pushed to every branch given.
/// </summary>
public sealed class GitLabRepository : IDisposable
{
    public static readonly IReadOnlyDictionary<string, string> SoftwareFiles = new Dictionary<string, string>
    {
        ["buildspec.yml"] = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo building the site\nartifacts:\n  files:\n    - '**/*'\n",
        ["appspec.yml"] = "version: 0.0\nos: linux\nfiles:\n  - source: /\n    destination: /srv/site\n",
        ["index.html"] = "<h1>hello</h1>\n",
        ["infrastructure/install.sh"] = "#!/bin/bash\nyum install -y nginx\n",
        ["infrastructure/variables.pkrvars.hcl"] = "instance_type = \"t3.small\"\n",
    };

    private GitLabRepository(TestProject project, GitWork work)
    {
        Project = project;
        Work = work;
    }

    public TestProject Project { get; }
    public GitWork Work { get; }
    public long ProjectId => Project.Id;
    public string Path => Project.Path;

    /// <summary>An api token of a Maintainer (what lets the portal manage hooks and statuses).</summary>
    public string Token => Project.Token;

    /// <summary>A new private project with the first commit pushed to each branch (the first one is the default branch).</summary>
    public static async Task<GitLabRepository> CreateAsync(StandInHost gitlab, params string[] branches)
    {
        if (branches.Length == 0) branches = ["main"];
        var project = await gitlab.NewProjectAsync();
        var work = GitWork.Init(branches[0]);
        work.Run("remote", "add", "origin", GitWork.WithCredentials(project.HttpUrl, project.Username, project.Token));
        work.Commit("Initial commit", SoftwareFiles.Select(f => (f.Key, f.Value)).ToArray());
        foreach (var branch in branches) work.Run("push", "-q", "origin", $"HEAD:refs/heads/{branch}");
        return new GitLabRepository(project, work);
    }

    /// <summary>A commit on top of the branch's head, pushed; returns its sha.</summary>
    public string Commit(string branch, string message, params (string Path, string Content)[] files)
    {
        Work.Run("fetch", "-q", "origin", branch);
        Work.Run("checkout", "-q", "-B", branch, "FETCH_HEAD");
        var sha = Work.Commit(message, files);
        Work.Run("push", "-q", "origin", $"HEAD:refs/heads/{branch}");
        return sha;
    }

    /// <summary>
    /// <paramref name="count"/> commits on top of the branch's head, each changing a file of its own, pushed together;
    /// returns their shas, oldest first (as if each had been pushed alone, the push hooks would name them in this order).
    /// </summary>
    public IReadOnlyList<string> CommitMany(string branch, int count)
    {
        Work.Run("fetch", "-q", "origin", branch);
        Work.Run("checkout", "-q", "-B", branch, "FETCH_HEAD");
        var shas = new List<string>(count);
        for (var i = 0; i < count; i++)
            shas.Add(Work.Commit($"Change {i + 1} of {count}", ($"changes/{Guid.NewGuid():N}.txt", "changed\n")));
        Work.Run("push", "-q", "origin", $"HEAD:refs/heads/{branch}");
        return shas;
    }

    /// <summary>The sha the branch points at now.</summary>
    public string Head(string branch)
    {
        Work.Run("fetch", "-q", "origin", branch);
        return Work.Run("rev-parse", "FETCH_HEAD").Trim();
    }

    public void Dispose() => Work.Dispose();
}
