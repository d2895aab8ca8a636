namespace Portal.Data.Entities;

/// <summary>
/// Identity roles. Every customer user has <see cref="Customer"/>; a customer admin also has <see cref="CustomerAdmin"/>
/// (invites and removes teammates). Operators belong to no customer.
/// </summary>
public static class PortalRoles
{
    public const string Customer = "Customer";
    public const string CustomerAdmin = "CustomerAdmin";
    public const string Operator = "Operator";

    public static readonly IReadOnlyList<string> All = [Customer, CustomerAdmin, Operator];
}
