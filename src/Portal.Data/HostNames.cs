using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>
/// The one rule for a customer's host name: unique among the customer's hosts that are not decommissioned (the filtered
/// unique index IX_Hosts_CustomerId_Name decides races), so a decommissioned host's name is free again while the old host
/// stays, with its history and audit. A name therefore means the live host of that name, else the newest decommissioned one;
/// an older one is reached by its id as well as its name.
/// </summary>
public static class HostNames
{
    public const string UniqueIndex = "IX_Hosts_CustomerId_Name";

    /// <summary>The customer's host called <paramref name="name"/> first: take the first (never Single: old hosts may share it).</summary>
    public static IQueryable<Host> Named(this IQueryable<Host> hosts, Guid customerId, string name) =>
        hosts.Where(h => h.CustomerId == customerId && h.Name == name)
            .OrderBy(h => h.State == HostState.Decommissioned)
            .ThenByDescending(h => h.CreatedAt);

    /// <summary>
    /// With <paramref name="hostId"/>, exactly that host of the customer's, and only under its own name: an old host whose
    /// name a live host has again is reached so (an address's <c>?host=</c>). Without, <see cref="Named(IQueryable{Host}, Guid, string)"/>.
    /// </summary>
    public static IQueryable<Host> Named(this IQueryable<Host> hosts, Guid customerId, string name, Guid? hostId) =>
        hostId is { } id ? hosts.Where(h => h.Id == id && h.CustomerId == customerId && h.Name == name) : hosts.Named(customerId, name);

    /// <summary>Whether a new host may take the name: no host of the customer's that is not decommissioned has it.</summary>
    public static IQueryable<Host> Holding(this IQueryable<Host> hosts, Guid customerId, string name) =>
        hosts.Where(h => h.CustomerId == customerId && h.Name == name && h.State != HostState.Decommissioned);
}
