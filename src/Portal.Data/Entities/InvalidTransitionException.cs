namespace Portal.Data.Entities;

/// <summary>
/// A state change the entity does not allow from where it stands (a programming error: services check the entity's
/// Can… members first when a person's request may be refused, and answer in words).
/// </summary>
public sealed class InvalidTransitionException(string entity, object from, string change)
    : InvalidOperationException($"{entity} cannot {change} while {from}.");
