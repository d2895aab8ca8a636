namespace Portal.GitLab;

/// <summary>
/// GitLab refused a call or could not be reached. GitLab's meanings stay here as types (REST API docs, "Status codes"),
/// so no caller matches status codes or message text. <see cref="GitLabMessage"/> is GitLab's own words.
/// </summary>
public class GitLabException(int status, string? gitLabMessage, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>GitLab's HTTP status; 0 when no answer came.</summary>
    public int Status { get; } = status;

    public string? GitLabMessage { get; } = gitLabMessage;

    /// <summary>Trying again later may succeed (GitLab down, busy or slow).</summary>
    public virtual bool Retryable => false;
}

/// <summary>401: GitLab does not know the token, or it expired or was revoked.</summary>
public sealed class GitLabUnauthorizedException(string? gitLabMessage, string message) : GitLabException(401, gitLabMessage, message);

/// <summary>403: the token's scopes or its user's role do not allow the call.</summary>
public sealed class GitLabForbiddenException(string? gitLabMessage, string message) : GitLabException(403, gitLabMessage, message);

/// <summary>404: no such project, commit, path or hook, or one the token may not see (GitLab answers 404 for both).</summary>
public sealed class GitLabNotFoundException(string? gitLabMessage, string message) : GitLabException(404, gitLabMessage, message);

/// <summary>400, 409 or 422: GitLab refused what was sent (an invalid hook URL, a status it cannot move to...).</summary>
public sealed class GitLabRefusedException(int status, string? gitLabMessage, string message) : GitLabException(status, gitLabMessage, message);

/// <summary>No answer, a timeout, 429 or 5xx.</summary>
public sealed class GitLabUnavailableException(int status, string message, Exception? inner = null) : GitLabException(status, null, message, inner)
{
    public override bool Retryable => true;
}

/// <summary>The archive is larger than <see cref="GitLabOptions.MaxArchiveBytes"/> (or unpacks to more than allowed).</summary>
public sealed class SourceTooLargeException(string message) : GitLabException(0, null, message);

/// <summary>GitLab's archive is not a zip the portal can read.</summary>
public sealed class SourceUnreadableException(string message, Exception? inner = null) : GitLabException(0, null, message, inner);
