namespace Portal.Provisioning.Stacks;

/// <summary>A reason the portal will not go on with an operation (a prerequisite is missing); the environment fails with this message.</summary>
public sealed class ProvisioningRefusedException(string message) : Exception(message);
