namespace Portal.GitLab;

/// <summary>What a token may do with a project, or why the portal cannot use it (a message for the field at fault).</summary>
public abstract record GitLabAccess
{
    /// <summary>
    /// The token reads the project's repository through the REST API. <see cref="Automates"/>: it also has the api scope
    /// and the Maintainer role, so the portal registers the webhook and reports commit statuses itself; otherwise
    /// <see cref="ManualReason"/> says why the customer adds the webhook by hand.
    /// </summary>
    public sealed record Granted(GitLabProjectInfo Project, bool Automates, string? ManualReason) : GitLabAccess;

    public sealed record Refused(GitLabAccessField Field, string Message) : GitLabAccess;

    /// <summary>GitLab did not answer: nothing is wrong with the input, try again.</summary>
    public sealed record Unavailable(string Message) : GitLabAccess;
}

public enum GitLabAccessField { Token, Project }

/// <summary>
/// Checks a token against a project at order time (and when the customer replaces it): GET /personal_access_tokens/self
/// for its scopes, GET /projects/:id for the project and the token user's role, and a commit of the default branch to
/// prove it reads the repository. Deploy tokens are refused by GitLab's REST API (they serve git over HTTP only), and a
/// read_repository scope alone does not open the REST archive (lib/api/repositories.rb registers api and read_api), so
/// the portal asks for read_api at least.
/// </summary>
public sealed class GitLabAccessCheck(GitLabClient gitlab)
{
    public async Task<GitLabAccess> CheckAsync(string? token, string projectPath, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
            return new GitLabAccess.Refused(GitLabAccessField.Token,
                "Enter a project access token (or personal access token) of the project with the read_api scope, or api to let the portal add the webhook.");
        token = token.Trim();
        try
        {
            var self = await gitlab.TokenAsync(token, cancellationToken);
            if (!self.Active)
                return new GitLabAccess.Refused(GitLabAccessField.Token, "GitLab says this token is no longer active (expired or revoked).");
            if (!self.Has(GitLabToken.ApiScope) && !self.Has(GitLabToken.ReadApiScope))
                return new GitLabAccess.Refused(GitLabAccessField.Token,
                    $"The token's scopes are {Scopes(self)}; the portal needs read_api to fetch commits (or api, to also add the webhook and report commit statuses).");
            var project = await gitlab.ProjectAsync(token, projectPath, cancellationToken);
            if (!project.EmptyRepo && project.DefaultBranch is { } branch)
                await gitlab.CommitIdAsync(token, project.Id, branch, cancellationToken);
            else if (project.AccessLevel is < GitLabProjectInfo.Reporter)
                return new GitLabAccess.Refused(GitLabAccessField.Token, "The token's user cannot read the project's repository (it needs the Reporter role at least).");
            return Automation(self, project);
        }
        catch (GitLabUnauthorizedException)
        {
            return new GitLabAccess.Refused(GitLabAccessField.Token,
                "GitLab does not accept this token (unknown, expired or revoked). Deploy tokens do not work: GitLab's REST API refuses them; use a project access token.");
        }
        catch (GitLabNotFoundException)
        {
            return new GitLabAccess.Refused(GitLabAccessField.Project,
                $"GitLab has no project '{projectPath}' that this token can see. Check the path, and that the token belongs to the project.");
        }
        catch (GitLabForbiddenException e)
        {
            return new GitLabAccess.Refused(GitLabAccessField.Token, $"The token may not read the project's repository: {e.GitLabMessage ?? "403 Forbidden"}.");
        }
        catch (GitLabException e) when (e.Retryable)
        {
            return new GitLabAccess.Unavailable($"GitLab did not answer ({e.Message}); the order was not placed. Try again in a moment.");
        }
        catch (GitLabRefusedException e)
        {
            return new GitLabAccess.Refused(GitLabAccessField.Project, $"GitLab refused to read the project: {e.GitLabMessage}.");
        }
    }

    private static GitLabAccess Automation(GitLabToken token, GitLabProjectInfo project)
    {
        if (!token.Has(GitLabToken.ApiScope))
            return new GitLabAccess.Granted(project, false, "The token has the read_api scope, not api: add the webhook in GitLab yourself.");
        if (project.AccessLevel is not >= GitLabProjectInfo.Maintainer)
            return new GitLabAccess.Granted(project, false, "The token's role in the project is below Maintainer, which managing webhooks needs: add the webhook yourself.");
        return new GitLabAccess.Granted(project, true, null);
    }

    private static string Scopes(GitLabToken token) => token.Scopes.Count == 0 ? "none" : string.Join(", ", token.Scopes);
}
