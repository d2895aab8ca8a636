using Portal.Data.Entities;

namespace Portal.Web.Observability;

/// <summary>
/// Guards the Prometheus scrape endpoint: operators (signed in) and clients of the allowed networks may read it; a
/// signed-in user of another role gets 403, anyone else 404, as if there were nothing to find.
/// </summary>
public sealed class MetricsAccess(RequestDelegate next, ObservabilityOptions options)
{
    public const string Path = "/metrics";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase)
            || options.IsAllowedNetwork(context.Connection.RemoteIpAddress) || context.User.IsInRole(PortalRoles.Operator))
            return next(context);
        context.Response.StatusCode = context.User.Identity?.IsAuthenticated == true ? StatusCodes.Status403Forbidden : StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
