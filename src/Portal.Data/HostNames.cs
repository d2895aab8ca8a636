using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>
/// The one rule for a customer's host name: unique among the customer's hosts that are not decommissioned (the filtered
/// unique index IX_Hosts_CustomerId_Name decides races), so a decommissioned host's name is free again while the old host
/// stays, with its history and audit. A name therefore means the live host of that name, else the newest decommissioned one.
/// </summary>
public static class HostNames
{
    public const string UniqueIndex = "IX_Hosts_CustomerId_Name";

    /// <summary>The customer's host called <paramref name="name"/> first: take the first (never Single: old hosts may share it).</summary>
    public static IQueryable<Host> Named(this IQueryable<Host> hosts, Guid customerId, string name) =>
        hosts.Where(h => h.CustomerId == customerId && h.Name == name)
            .OrderBy(h => h.State == HostState.Decommissioned)
            .ThenByDescending(h => h.CreatedAt);

    /// <summary>Whether a new host may take the name: no host of the customer's that is not decommissioned has it.</summary>
    public static IQueryable<Host> Holding(this IQueryable<Host> hosts, Guid customerId, string name) =>
        hosts.Where(h => h.CustomerId == customerId && h.Name == name && h.State != HostState.Decommissioned);
}
