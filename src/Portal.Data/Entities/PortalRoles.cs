namespace Portal.Data.Entities;

public static class PortalRoles
{
    public const string Customer = "Customer";
    public const string Operator = "Operator";

    public static readonly IReadOnlyList<string> All = [Customer, Operator];
}
