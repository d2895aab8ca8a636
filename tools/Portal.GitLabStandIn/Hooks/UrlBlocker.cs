using System.Net;
using System.Net.Sockets;

namespace Portal.GitLabStandIn.Hooks;

/// <summary>
/// Gitlab::HTTP_V2::UrlBlocker as webhooks use it: http or https only, and, unless the admin setting allows local
/// requests, no localhost, local network or link-local address. Hostnames other than localhost are not resolved (GitLab
/// skips DNS rebinding checks when validating). Returns GitLab's message, or null when the URL may be used.
/// </summary>
public static class UrlBlocker
{
    public static string? Check(string url, bool allowLocal)
    {
        if (url.Any(c => c is '\r' or '\n' or ' ' or '\t') || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return "URI is invalid";
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return "Only allowed schemes are http, https";
        if (uri.Host.Length == 0) return "URI is invalid";
        if (allowLocal) return null;
        var host = uri.IdnHost.Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return "Requests to localhost are not allowed";
        if (!IPAddress.TryParse(host, out var address)) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            return "Requests to localhost are not allowed";
        if (IsLinkLocal(address)) return "Requests to the link local network are not allowed";
        return IsPrivate(address) ? "Requests to the local network are not allowed" : null;
    }

    private static bool IsLinkLocal(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? address.GetAddressBytes() is [169, 254, ..]
        : address.IsIPv6LinkLocal;

    private static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6) return address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal;
        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168);
    }
}
