namespace Portal.Tests.Support.GitLab;

/// <summary>Push event bodies shaped like the examples in GitLab's webhook documentation.</summary>
public static class GitLabPayloads
{
    public const string ZeroSha = "0000000000000000000000000000000000000000";

    public static string Push(string @ref = "refs/heads/master", long projectId = 15, string path = "mike/diaspora",
        string before = "95790bf891e76fee5e1747ab589903a6a1f80f22", string after = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7") => $$"""
    {
      "object_kind": "push",
      "event_name": "push",
      "before": "{{before}}",
      "after": "{{after}}",
      "ref": "{{@ref}}",
      "ref_protected": true,
      "checkout_sha": "{{after}}",
      "user_id": 4,
      "user_name": "John Smith",
      "user_username": "jsmith",
      "user_email": "john@example.com",
      "user_avatar": "https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80",
      "project_id": {{projectId}},
      "project": {
        "id": {{projectId}},
        "name": "Diaspora",
        "description": "",
        "web_url": "http://example.com/{{path}}",
        "avatar_url": null,
        "git_ssh_url": "git@example.com:{{path}}.git",
        "git_http_url": "http://example.com/{{path}}.git",
        "namespace": "Mike",
        "visibility_level": 0,
        "path_with_namespace": "{{path}}",
        "default_branch": "master",
        "homepage": "http://example.com/{{path}}",
        "url": "git@example.com:{{path}}.git",
        "ssh_url": "git@example.com:{{path}}.git",
        "http_url": "http://example.com/{{path}}.git"
      },
      "repository": {
        "name": "Diaspora",
        "url": "git@example.com:{{path}}.git",
        "description": "",
        "homepage": "http://example.com/{{path}}",
        "git_http_url": "http://example.com/{{path}}.git",
        "git_ssh_url": "git@example.com:{{path}}.git",
        "visibility_level": 0
      },
      "commits": [
        {
          "id": "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
          "message": "Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information",
          "title": "Update Catalan translation to e38cb41.",
          "timestamp": "2011-12-12T14:27:31+02:00",
          "url": "http://example.com/{{path}}/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
          "author": { "name": "Jordi Mallach", "email": "jordi@softcatala.org" },
          "added": ["CHANGELOG"],
          "modified": ["app/controller/application.rb"],
          "removed": []
        },
        {
          "id": "{{after}}",
          "message": "fixed readme",
          "title": "fixed readme",
          "timestamp": "2012-01-03T23:36:29+02:00",
          "url": "http://example.com/{{path}}/commit/{{after}}",
          "author": { "name": "GitLab dev user", "email": "gitlabdev@dv6700.(none)" },
          "added": ["CHANGELOG"],
          "modified": ["app/controller/application.rb"],
          "removed": []
        }
      ],
      "total_commits_count": 4
    }
    """;
}
