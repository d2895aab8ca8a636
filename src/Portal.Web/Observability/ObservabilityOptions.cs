using System.Net;

namespace Portal.Web.Observability;

/// <summary>
/// Settings "Portal:Metrics" and "Portal:Otlp": who may scrape <c>/metrics</c> (operators, or any client in
/// <see cref="AllowedNetworks"/>; loopback by default) and where traces and metrics are pushed by OTLP, if anywhere.
/// </summary>
public sealed class ObservabilityOptions
{
    public const string MetricsSection = "Portal:Metrics";
    public const string OtlpEndpointKey = "Portal:Otlp:Endpoint";
    public const string OtlpProtocolKey = "Portal:Otlp:Protocol";

    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    public IReadOnlyList<IPNetwork> AllowedNetworks { get; private init; } = Loopback;

    /// <summary>The OTLP collector's URL (e.g. http://collector:4317), or null for no OTLP export.</summary>
    public Uri? OtlpEndpoint { get; private init; }

    /// <summary>"grpc" (the default, port 4317) or "http/protobuf" (port 4318).</summary>
    public string OtlpProtocol { get; private init; } = "grpc";

    /// <summary>Reads and checks the settings; a wrong network or URL stops the start with the setting's name.</summary>
    public static ObservabilityOptions From(IConfiguration configuration)
    {
        var networks = configuration.GetSection($"{MetricsSection}:AllowedNetworks").Get<string[]>();
        var endpoint = configuration[OtlpEndpointKey];
        var protocol = configuration[OtlpProtocolKey];
        return new ObservabilityOptions
        {
            AllowedNetworks = networks is null ? Loopback : networks.Select(ParseNetwork).ToList(),
            OtlpEndpoint = string.IsNullOrWhiteSpace(endpoint) ? null
                : Uri.TryCreate(endpoint, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url
                : throw new InvalidOperationException($"{OtlpEndpointKey} must be an http(s) URL such as http://collector:4317, not '{endpoint}'."),
            OtlpProtocol = string.IsNullOrWhiteSpace(protocol) ? "grpc"
                : protocol is "grpc" or "http/protobuf" ? protocol
                : throw new InvalidOperationException($"{OtlpProtocolKey} must be 'grpc' or 'http/protobuf', not '{protocol}'."),
        };
    }

    public bool IsAllowedNetwork(IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return AllowedNetworks.Any(network => network.Contains(address));
    }

    private static IPNetwork ParseNetwork(string value)
    {
        var text = value.Trim();
        if (!text.Contains('/') && IPAddress.TryParse(text, out var single))
            return new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return IPNetwork.TryParse(text, out var network) ? network
            : throw new InvalidOperationException($"{MetricsSection}:AllowedNetworks: '{value}' is not an address or a network such as 10.0.0.0/8.");
    }
}
