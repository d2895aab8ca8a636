namespace Portal.Web.Hosts;

/// <summary>
/// Carries a new host's webhook token from the order form to the host page within one browser circuit, so it is
/// shown once and never stored: taking it removes it.
/// </summary>
public sealed class NewWebhookTokens
{
    private readonly Dictionary<Guid, string> tokens = [];

    public void Put(Guid hostId, string token) => tokens[hostId] = token;

    public string? Take(Guid hostId) => tokens.Remove(hostId, out var token) ? token : null;
}
