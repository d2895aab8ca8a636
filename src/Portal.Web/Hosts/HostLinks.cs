using Portal.Data.Entities;

namespace Portal.Web.Hosts;

/// <summary>
/// Where a customer's host page is. A name means the live host of that name (<see cref="Portal.Data.HostNames"/>), so a
/// decommissioned host, whose name a newer host may have again, is linked with its id too: <c>hosts/{name}?host={id}</c>.
/// </summary>
public static class HostLinks
{
    public const string HostQuery = "host";

    public static string Page(string name, Guid id, HostState state) =>
        state == HostState.Decommissioned ? $"hosts/{Uri.EscapeDataString(name)}?{HostQuery}={id}" : $"hosts/{Uri.EscapeDataString(name)}";
}
