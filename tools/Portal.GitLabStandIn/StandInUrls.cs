using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Portal.GitLabStandIn.State;

namespace Portal.GitLabStandIn;

/// <summary>The instance URL (gitlab.yml host) and the URLs GitLab derives from it for projects, users and commits.</summary>
public sealed class StandInUrls(IServer server, IOptions<StandInOptions> options)
{
    private string? cached;

    public string Base => cached ??= (options.Value.ExternalUrl ?? ListeningAddress()).TrimEnd('/');

    public string Host => new Uri(Base).Host;

    /// <summary>Where this process listens, for the hook script (ExternalUrl may be a proxy in front of it).</summary>
    public string Internal => ListeningAddress().TrimEnd('/');

    public string WebUrl(ProjectRecord project) => $"{Base}/{project.FullPath}";

    public string HttpUrlToRepo(ProjectRecord project) => $"{WebUrl(project)}.git";

    /// <summary>The stand-in serves no SSH; the URL is given as GitLab gives it.</summary>
    public string SshUrlToRepo(ProjectRecord project) => $"git@{Host}:{project.FullPath}.git";

    public string CommitUrl(ProjectRecord project, string sha) => $"{WebUrl(project)}/-/commit/{sha}";

    public string UserWebUrl(UserRecord user) => $"{Base}/{user.Username}";

    /// <summary>Gravatar, as GitLab builds avatar URLs for users without an uploaded avatar.</summary>
    public static string AvatarUrl(UserRecord user)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(user.Email.Trim().ToLowerInvariant())));
        return $"https://www.gravatar.com/avatar/{hash}?s=80&d=identicon";
    }

    public static StandInUrls Of(HttpContext context) => context.RequestServices.GetRequiredService<StandInUrls>();

    private string ListeningAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:8929";
        return address.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1")
            .Replace("://*", "://127.0.0.1");
    }
}
