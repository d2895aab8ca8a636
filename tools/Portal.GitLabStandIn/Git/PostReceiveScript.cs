namespace Portal.GitLabStandIn.Git;

/// <summary>
/// The post-receive hook: gitlab-shell's role. It posts the pushed changes, the push options (GIT_PUSH_OPTION_n) and
/// who pushed (GL_ID, set for HTTP pushes) to the stand-in's internal API, and prints what the stand-in answers.
/// A push straight into the bare repository carries no GL_ID and is attributed to the administrator.
/// </summary>
public static class PostReceiveScript
{
    public static string Render(string urlFile, string secretFile) => $$"""
        #!/bin/bash
        # Written by the GitLab stand-in at start; reports this push to it (see PostReceiveScript.cs).
        url=$(cat '{{urlFile}}' 2>/dev/null) || { echo "GitLab stand-in: not running, push not reported" >&2; exit 0; }
        secret=$(cat '{{secretFile}}')
        changes=$(cat)
        args=(--data-urlencode "changes=$changes" --data-urlencode "repo_path=$(pwd -P)"
              --data-urlencode "gl_id=${GL_ID:-}" --data-urlencode "gl_repository=${GL_REPOSITORY:-}")
        for ((i = 0; i < ${GIT_PUSH_OPTION_COUNT:-0}; i++)); do
          name="GIT_PUSH_OPTION_$i"
          args+=(--data-urlencode "push_options[]=${!name}")
        done
        curl --silent --show-error --fail --max-time 30 -H "Gitlab-Shell-Api-Request: $secret" "${args[@]}" \
          "$url/-/standin/internal/post-receive" || echo "GitLab stand-in: push not reported" >&2
        exit 0
        """;
}
