using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Portal.GitLab;
using Portal.Web.Edge;

namespace Portal.Web.Hosts;

/// <summary>
/// Where people and GitLab reach the portal (the webhook URL shown to customers and set on project hooks, the commit
/// statuses' links): Portal:PublicUrl, else GitLab:PortalUrl, else the first address this server listens on (development
/// and tests, where the port is chosen at start). Never the request's Host header.
/// </summary>
public sealed class PortalAddress(EdgeOptions edge, GitLabOptions options, IServer server) : IPortalAddress
{
    private Uri? resolved;

    public Uri BaseUrl => resolved ??= Resolve();

    private Uri Resolve()
    {
        if (edge.PublicBaseUrl is { } publicUrl) return publicUrl;
        if (!string.IsNullOrWhiteSpace(options.PortalUrl)) return new Uri(options.PortalUrl.TrimEnd('/') + "/");
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"{GitLabOptions.Section}:{nameof(GitLabOptions.PortalUrl)} is not set and the server's address is not known yet.");
        return new Uri(address.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://[::]", "://localhost").TrimEnd('/') + "/");
    }
}
