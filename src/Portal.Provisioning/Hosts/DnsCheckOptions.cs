using System.Net;

namespace Portal.Provisioning.Hosts;

/// <summary>How the portal asks the DNS whether a record to create exists yet (section "Dns").</summary>
public sealed class DnsCheckOptions
{
    public const string Section = "Dns";

    /// <summary>
    /// The DNS servers to ask, as "address" or "address:port" ("[::1]:53" for IPv6); none: the machine's own resolvers. An
    /// address, not a name: finding the DNS server by name would need a DNS server.
    /// </summary>
    public List<string> NameServers { get; set; } = [];

    /// <summary>How long one question waits for an answer; it is asked once more before the check gives up.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a check's answer serves the pages that show it ("Check again" asks at once).</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><see cref="NameServers"/> parsed (port 53 unless given); empty for the machine's resolvers.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints() => NameServers.Select(EndPoint).ToList();

    private static IPEndPoint EndPoint(string server)
    {
        var endPoint = IPEndPoint.Parse(server.Trim());
        return endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint;
    }

    public void Validate()
    {
        foreach (var server in NameServers)
            if (!IPEndPoint.TryParse(server?.Trim() ?? "", out _))
                throw new InvalidOperationException($"{Section}:{nameof(NameServers)} has '{server}', which is not an address or address:port.");
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromSeconds(30))
            throw new InvalidOperationException($"{Section}:{nameof(Timeout)} must be above zero and at most 30 seconds (is {Timeout}).");
        if (CacheFor < TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(CacheFor)} must not be negative (is {CacheFor}).");
    }
}
