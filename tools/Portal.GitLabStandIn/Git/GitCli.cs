using System.Diagnostics;
using System.Text;

namespace Portal.GitLabStandIn.Git;

public sealed record GitResult(int ExitCode, string Output, string Error)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>
/// Runs the git CLI with a clean configuration (no user or system config, no prompts), as Gitaly runs git for GitLab.
/// Arguments are passed as a list, never through a shell.
/// </summary>
public sealed class GitCli
{
    public ProcessStartInfo StartInfo(string? gitDir, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (gitDir is not null)
        {
            info.ArgumentList.Add("--git-dir");
            info.ArgumentList.Add(gitDir);
        }
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        Isolate(info.Environment);
        return info;
    }

    /// <summary>The environment every git the stand-in starts gets: no user config, no terminal prompts, C locale.</summary>
    public static void Isolate(IDictionary<string, string?> environment)
    {
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        environment["GIT_TERMINAL_PROMPT"] = "0";
        environment["LC_ALL"] = "C";
    }

    public async Task<GitResult> RunAsync(string? gitDir, IEnumerable<string> arguments, string? input = null,
        CancellationToken cancellationToken = default)
    {
        using var process = Process.Start(StartInfo(gitDir, arguments)) ?? throw new InvalidOperationException("git did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null) await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
        return new GitResult(process.ExitCode, await output, await error);
    }

    public async Task<GitResult> RunCheckedAsync(string? gitDir, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(gitDir, arguments, cancellationToken: cancellationToken);
        if (!result.Ok)
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Error.Trim()}");
        return result;
    }

    /// <summary>Reads stdout line by line without holding it all, e.g. a large diff.</summary>
    public async IAsyncEnumerable<string> LinesAsync(string gitDir, IEnumerable<string> arguments,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var process = Process.Start(StartInfo(gitDir, arguments)) ?? throw new InvalidOperationException("git did not start");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line) yield return line;
        }
        finally
        {
            Kill(process);
            await error.ConfigureAwait(false);
        }
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>True for text git can take as one argument: no NUL (which a process argument cannot hold) and not an option.</summary>
    public static bool IsSafeArgument(string value) => value.Length > 0 && !value.Contains('\0') && !value.StartsWith('-');

    public static string Utf8(byte[] bytes) => new UTF8Encoding(false, false).GetString(bytes);
}
