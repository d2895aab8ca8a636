using Hangfire.Dashboard;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

/// <summary>Hangfire's dashboard is for operators only.</summary>
public sealed class OperatorDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().User.IsInRole(PortalRoles.Operator);
}
