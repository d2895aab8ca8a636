namespace Portal.Aws.CertificateManager;

/// <summary>The AWS Certificate Manager operations the portal uses (JSON 1.1 protocol, target prefix CertificateManager).</summary>
public interface ICertificates
{
    /// <summary>The certificate; a certificate that does not exist throws <see cref="AwsNotFoundException"/> (ResourceNotFoundException).</summary>
    Task<CertificateDetail> DescribeCertificateAsync(string certificateArn, CancellationToken cancellationToken = default);
}

/// <summary>What ACM says of a certificate (CertificateDetail in the API reference), the fields the portal reads.</summary>
public sealed record CertificateDetail(
    string CertificateArn,
    string DomainName,
    IReadOnlyList<string> SubjectAlternativeNames,
    // PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED, VALIDATION_TIMED_OUT, REVOKED or FAILED.
    string Status,
    DateTimeOffset? NotAfter)
{
    public bool IsIssued => Status == "ISSUED";

    /// <summary>
    /// Whether the certificate's domain or one of its alternative names covers <paramref name="domain"/>: the same name,
    /// or a wildcard "*.parent" for a name exactly one label below parent (TLS matches one label per wildcard).
    /// </summary>
    public bool Covers(string domain)
    {
        var name = domain.Trim().TrimEnd('.').ToLowerInvariant();
        return SubjectAlternativeNames.Append(DomainName).Select(n => n.Trim().TrimEnd('.').ToLowerInvariant()).Any(n =>
            n == name || n.StartsWith("*.", StringComparison.Ordinal) && name.IndexOf('.') is var dot and > 0 && name[(dot + 1)..] == n[2..]);
    }
}
