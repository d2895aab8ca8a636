using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;

namespace Portal.Provisioning.Hosts;

/// <summary>What the DNS says of a record to create.</summary>
public enum DnsCheckOutcome
{
    /// <summary>The name's CNAME is the load balancer's DNS name, or (an apex domain with ALIAS/flattening) its addresses are the load balancer's.</summary>
    PointsAtLoadBalancer,

    /// <summary>The name does not exist (NXDOMAIN) or has no CNAME and no address.</summary>
    NotYet,

    /// <summary>The name points at something else: <see cref="DnsCheckResult.Detail"/> says what.</summary>
    Elsewhere,

    /// <summary>No DNS server gave an answer: <see cref="DnsCheckResult.Detail"/> says why.</summary>
    CouldNotCheck,
}

/// <summary>One check of a record: the outcome, what the name points at (Elsewhere) or why it could not be checked, and when.</summary>
public sealed record DnsCheckResult(DnsCheckOutcome Outcome, string? Detail, DateTimeOffset CheckedAt);

/// <summary>
/// Asks the DNS whether a CNAME to create exists yet: the name's CNAME is the target (compared ignoring case and the
/// trailing dot), or, for an apex domain whose DNS host flattens an ALIAS into addresses, each of its addresses is one of
/// the target's. Servers are <see cref="DnsCheckOptions.NameServers"/> (else the machine's). An answer serves for
/// <see cref="DnsCheckOptions.CacheFor"/> so pages do not ask on every render; <c>fresh</c> asks again. Never throws for
/// the DNS: a server that does not answer, or a name it cannot be asked about, is <see cref="DnsCheckOutcome.CouldNotCheck"/>.
/// </summary>
public sealed class DnsRecordCheck
{
    private readonly DnsCheckOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<DnsRecordCheck> logger;
    private readonly LookupClient client;
    private readonly ConcurrentDictionary<(string Name, string Target), DnsCheckResult> recent = new();

    public DnsRecordCheck(DnsCheckOptions options, TimeProvider clock, ILogger<DnsRecordCheck> logger)
    {
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        var endPoints = options.EndPoints();
        var lookup = endPoints.Count > 0 ? new LookupClientOptions([.. endPoints]) : new LookupClientOptions();
        lookup.Timeout = options.Timeout;
        lookup.Retries = 1;
        // The portal keeps answers itself (CacheFor), and "Check again" must reach the server.
        lookup.UseCache = false;
        lookup.ThrowDnsErrors = false;
        client = new LookupClient(lookup);
    }

    /// <summary>Whether <paramref name="name"/> points at <paramref name="target"/> (the load balancer's DNS name).</summary>
    public async Task<DnsCheckResult> CheckAsync(string name, string target, bool fresh = false, CancellationToken cancellationToken = default)
    {
        var key = (Normal(name), Normal(target));
        if (!fresh && recent.TryGetValue(key, out var kept) && clock.GetUtcNow() - kept.CheckedAt < options.CacheFor) return kept;
        var (outcome, detail) = await AskAsync(key.Item1, key.Item2, cancellationToken);
        var result = new DnsCheckResult(outcome, detail, clock.GetUtcNow());
        foreach (var old in recent.Where(r => result.CheckedAt - r.Value.CheckedAt >= options.CacheFor)) recent.TryRemove(old);
        recent[key] = result;
        return result;
    }

    private async Task<(DnsCheckOutcome, string?)> AskAsync(string name, string target, CancellationToken cancellationToken)
    {
        try
        {
            var alias = await AnswersAsync(name, QueryType.CNAME, cancellationToken);
            if (alias is null) return (DnsCheckOutcome.NotYet, null);
            if (alias.CnameRecords().FirstOrDefault() is { } cname)
            {
                var pointsAt = Normal(cname.CanonicalName.Value);
                return pointsAt == target ? (DnsCheckOutcome.PointsAtLoadBalancer, null) : (DnsCheckOutcome.Elsewhere, pointsAt);
            }
            var addresses = await AddressesAsync(name, cancellationToken);
            if (addresses.Count == 0) return (DnsCheckOutcome.NotYet, null);
            var expected = await AddressesAsync(target, cancellationToken);
            if (expected.Count == 0) return (DnsCheckOutcome.CouldNotCheck, $"{target} has no address to compare with");
            return addresses.All(expected.Contains)
                ? (DnsCheckOutcome.PointsAtLoadBalancer, null)
                : (DnsCheckOutcome.Elsewhere, string.Join(", ", addresses));
        }
        catch (DnsResponseException e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("The DNS check of {Name} could not be done: {Reason}", name, e.Message);
            return (DnsCheckOutcome.CouldNotCheck, e.Code switch
            {
                DnsResponseCode.ConnectionTimeout => $"no answer from the DNS server within {options.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
                DnsResponseCode.Unassigned => $"the DNS server could not be reached: {(e.InnerException ?? e).Message}",
                _ => $"the DNS server answered {e.DnsError}",
            });
        }
        catch (Exception e) when (e is DnsResponseParseException or DnsXidMismatchException)
        {
            logger.LogInformation("The DNS check of {Name} could not read the answer: {Reason}", name, e.Message);
            return (DnsCheckOutcome.CouldNotCheck, "the DNS server's answer could not be read");
        }
        catch (ArgumentException)
        {
            // DnsClient refuses a name that is no valid DNS name before asking.
            return (DnsCheckOutcome.CouldNotCheck, "the name is not a valid DNS name");
        }
    }

    private async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken)
    {
        var v4 = await AnswersAsync(name, QueryType.A, cancellationToken) ?? [];
        var v6 = await AnswersAsync(name, QueryType.AAAA, cancellationToken) ?? [];
        return [.. v4.ARecords().Select(a => a.Address), .. v6.AaaaRecords().Select(a => a.Address)];
    }

    /// <summary>The answers to one question; null when the name does not exist (NXDOMAIN). Any other error code throws.</summary>
    private async Task<IReadOnlyList<DnsResourceRecord>?> AnswersAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        var response = await client.QueryAsync(name, type, QueryClass.IN, cancellationToken);
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain) return null;
        if (response.HasError) throw new DnsResponseException((DnsResponseCode)response.Header.ResponseCode);
        return response.Answers;
    }

    private static string Normal(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();
}
