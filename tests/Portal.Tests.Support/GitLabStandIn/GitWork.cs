using System.Diagnostics;

namespace Portal.Tests.Support.GitLabStandIn;

/// <summary>A working copy driven with the git CLI, as a developer would, isolated from the machine's git config.</summary>
public sealed class GitWork : IDisposable
{
    private GitWork(string directory) => Directory = directory;

    public string Directory { get; }

    public static GitWork Init(string branch = "main")
    {
        var work = new GitWork(Path.Combine(Path.GetTempPath(), "gitwork-" + Guid.NewGuid().ToString("N")));
        System.IO.Directory.CreateDirectory(work.Directory);
        work.Run("init", "-q", $"--initial-branch={branch}");
        return work;
    }

    /// <summary>Clones with the token as password (any user name), as GitLab documents for HTTPS.</summary>
    public static GitWork Clone(string httpUrl, string user, string password)
    {
        var work = new GitWork(Path.Combine(Path.GetTempPath(), "gitwork-" + Guid.NewGuid().ToString("N")));
        var result = RunIn(Path.GetTempPath(), "clone", "-q", WithCredentials(httpUrl, user, password), work.Directory);
        if (result.ExitCode != 0) throw new InvalidOperationException($"git clone failed: {result.Error}");
        return work;
    }

    public static string WithCredentials(string httpUrl, string user, string password)
    {
        var uri = new UriBuilder(httpUrl) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) };
        return uri.Uri.ToString();
    }

    public string Commit(string message, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(Directory, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        Run("add", "-A");
        Run("commit", "-q", "--allow-empty", "-m", message);
        return Run("rev-parse", "HEAD").Trim();
    }

    public void Remove(string path)
    {
        Run("rm", "-q", path);
    }

    public string Run(params string[] args)
    {
        var result = RunIn(Directory, args);
        if (result.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {result.Error}");
        return result.Output;
    }

    public (int ExitCode, string Output, string Error) TryRun(params string[] args) => RunIn(Directory, args);

    public static (int ExitCode, string Output, string Error) RunIn(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_AUTHOR_NAME"] = "Test Author";
        info.Environment["GIT_AUTHOR_EMAIL"] = "author@example.com";
        info.Environment["GIT_COMMITTER_NAME"] = "Test Committer";
        info.Environment["GIT_COMMITTER_EMAIL"] = "committer@example.com";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
