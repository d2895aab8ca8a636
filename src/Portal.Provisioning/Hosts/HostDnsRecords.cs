using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Hosts;

/// <summary>
/// A DNS record someone must create by hand for a host environment to be reached, and why the portal cannot.
/// <paramref name="ValueKnown"/> is false while <paramref name="Value"/> only says what it will be (the load balancer is not
/// made yet, or the platform's settings lack its DNS name): then there is nothing to check the DNS against.
/// </summary>
public sealed record DnsRecordToCreate(string Name, string Type, string Value, string Why, bool ValueKnown = true);

/// <summary>
/// The DNS records a host environment needs that no stack creates. The software stack makes a Route 53 alias record for the
/// default host name only when the platform has a hosted zone (Platform:HostedZoneId); without one the operator creates a
/// CNAME to the shared load balancer. A custom domain lives in the customer's own DNS: it points at the dedicated load balancer.
/// </summary>
public sealed class HostDnsRecords(PlatformSettings platform)
{
    public IReadOnlyList<DnsRecordToCreate> ToCreate(string customerSlug, string hostName, EnvironmentKind kind, string? customDomain,
        string? listenerArn, IReadOnlyDictionary<string, string> outputs)
    {
        if (kind == EnvironmentKind.Production && CustomDomain(customDomain, outputs) is { } custom) return [custom];
        if (!string.IsNullOrWhiteSpace(platform.HostedZoneId)) return [];
        var listener = platform.SharedListeners().FirstOrDefault(l => l.ListenerArn == listenerArn) ?? platform.SharedListeners()[0];
        return [new DnsRecordToCreate(AwsNames.DefaultHostDomain(customerSlug, hostName, kind, platform.BaseDomain), "CNAME",
            listener.LoadBalancerDnsName ?? $"the DNS name of the load balancer of {listener.ListenerArn}",
            $"{PlatformSettings.Section}:{nameof(PlatformSettings.HostedZoneId)} is not set, so no stack creates a Route 53 record for it.",
            !string.IsNullOrWhiteSpace(listener.LoadBalancerDnsName))];
    }

    /// <summary>The CNAME a production environment's custom domain needs (none without one), from its software stack's outputs.</summary>
    public static DnsRecordToCreate? CustomDomain(string? customDomain, IReadOnlyDictionary<string, string> outputs)
    {
        if (string.IsNullOrWhiteSpace(customDomain)) return null;
        var loadBalancer = outputs.GetValueOrDefault(DedicatedLoadBalancerDnsName);
        return new DnsRecordToCreate(customDomain.Trim().ToLowerInvariant(), "CNAME",
            loadBalancer ?? "the dedicated load balancer's DNS name (known once provisioned)",
            "The custom domain is in the customer's own DNS zone, which the platform does not manage.",
            !string.IsNullOrWhiteSpace(loadBalancer));
    }

    /// <summary>The software stack's output with the dedicated load balancer's DNS name.</summary>
    public const string DedicatedLoadBalancerDnsName = "DedicatedLoadBalancerDnsName";
}
