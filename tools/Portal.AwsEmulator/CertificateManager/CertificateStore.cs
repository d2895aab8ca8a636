using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CertificateManager;

/// <summary>The ACM certificates of one region. Thread-safe; records are replaced, never changed in place.</summary>
public sealed partial class CertificateStore(string region, string accountId)
{
    private readonly Lock gate = new();
    private Dictionary<string, CertificateRecord> certificates = new(StringComparer.Ordinal);

    /// <summary>ACM's CertificateArn constraint (DescribeCertificate's input).</summary>
    public const string ArnPattern = @"arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*";

    public CertificateRecord Seed(SeedCertificate seed)
    {
        var arn = seed.CertificateArn ?? $"arn:{Arns.Partition(region)}:acm:{region}:{accountId}:certificate/{Ids.Uuid()}";
        var parts = arn.Split(':', 6);
        if (!ArnRegex().IsMatch(arn) || parts[3] != region || parts[4] != accountId || !parts[5].StartsWith("certificate/", StringComparison.Ordinal))
            throw AwsServiceException.ValidationException($"'{arn}' is not an ACM certificate ARN of account {accountId} in {region}");
        if (!DomainRegex().IsMatch(seed.DomainName) || seed.SubjectAlternativeNames.Any(n => !DomainRegex().IsMatch(n)))
            throw AwsServiceException.ValidationException("Every domain name must be a fully qualified domain name, optionally starting with '*.'");
        if (!CertificateStatuses.All.Contains(seed.Status))
            throw AwsServiceException.ValidationException($"Status must be one of {string.Join(", ", CertificateStatuses.All)}");
        var now = DateTimeOffset.UtcNow;
        var issued = CertificateStatuses.WasIssued(seed.Status);
        var notAfter = seed.NotAfter ?? (seed.Status == CertificateStatuses.Expired ? now.AddDays(-1) : now.AddDays(395));
        var record = new CertificateRecord
        {
            Arn = arn,
            DomainName = seed.DomainName,
            SubjectAlternativeNames = [seed.DomainName, .. seed.SubjectAlternativeNames.Where(n => n != seed.DomainName).Distinct()],
            Status = seed.Status,
            Serial = issued ? string.Join(':', Enumerable.Range(0, 16).Select(_ => Ids.Hex(2))) : "",
            CreatedAt = now,
            IssuedAt = issued ? seed.NotBefore ?? now : null,
            NotBefore = issued ? seed.NotBefore ?? notAfter.AddDays(-395) : null,
            NotAfter = issued ? notAfter : null,
        };
        lock (gate) certificates[arn] = record;
        return record;
    }

    /// <summary>DescribeCertificate's lookup, with ACM's input checks and errors.</summary>
    public CertificateRecord Describe(string arn)
    {
        if (arn.Length < 20)
            throw AwsServiceException.ValidationException(
                $"1 validation error detected: Value '{arn}' at 'certificateArn' failed to satisfy constraint: Member must have length greater than or equal to 20");
        if (!ArnRegex().IsMatch(arn))
            throw AwsServiceException.ValidationException(
                $"1 validation error detected: Value '{arn}' at 'certificateArn' failed to satisfy constraint: Member must satisfy regular expression pattern: {ArnPattern}");
        if (!arn.Split(':', 6)[5].StartsWith("certificate/", StringComparison.Ordinal))
            throw new AwsServiceException("InvalidArnException", $"String '{arn}' is not a valid ARN.");
        lock (gate)
            return certificates.GetValueOrDefault(arn) ?? throw new AwsServiceException("ResourceNotFoundException", $"Could not find certificate {arn}.");
    }

    public bool Exists(string arn)
    {
        lock (gate) return certificates.ContainsKey(arn);
    }

    public JsonNode Save()
    {
        lock (gate) return JsonSerializer.SerializeToNode(certificates.Values.ToList(), StateJson.Options)!;
    }

    public void Load(JsonNode? node)
    {
        lock (gate)
            certificates = (node?.Deserialize<List<CertificateRecord>>(StateJson.Options) ?? []).ToDictionary(c => c.Arn, StringComparer.Ordinal);
    }

    [GeneratedRegex($"^{ArnPattern}$")]
    private static partial Regex ArnRegex();

    [GeneratedRegex(@"^(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])$")]
    private static partial Regex DomainRegex();
}
