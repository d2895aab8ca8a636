using System.Security.Claims;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.People;

/// <summary>Who may manage whose people: the one place for the rule.</summary>
public static class PeoplePolicies
{
    /// <summary>Operators and customer admins.</summary>
    public const string ManagesPeople = "ManagesPeople";

    /// <summary>Operators manage every customer's people; a customer admin only their own customer's.</summary>
    public static bool MayManage(ClaimsPrincipal user, Guid customerId) =>
        user.IsInRole(PortalRoles.Operator) || (user.IsInRole(PortalRoles.CustomerAdmin) && user.CustomerIdOf() == customerId);

    /// <summary>Roles a person may invite into a customer: admins and members (operators only by operators).</summary>
    public static bool MayInvite(ClaimsPrincipal user, InvitedRole role) =>
        role == InvitedRole.Operator ? user.IsInRole(PortalRoles.Operator) : user.IsInRole(PortalRoles.Operator) || user.IsInRole(PortalRoles.CustomerAdmin);
}
