namespace Portal.AwsEmulator.CertificateManager;

/// <summary>An ACM certificate as DescribeCertificate shows it; made by seeding (configuration or /_emulator/seed/certificates).</summary>
public sealed class CertificateRecord
{
    public string Arn { get; set; } = "";
    public string DomainName { get; set; } = "";

    /// <summary>The domain name first, then the other names (wildcards such as "*.apps.example.com" included).</summary>
    public List<string> SubjectAlternativeNames { get; set; } = [];
    public string Status { get; set; } = CertificateStatuses.Issued;
    public string Serial { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? NotAfter { get; set; }
}

public static class CertificateStatuses
{
    public const string Issued = "ISSUED";
    public const string PendingValidation = "PENDING_VALIDATION";
    public const string Expired = "EXPIRED";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { PendingValidation, Issued, "INACTIVE", Expired, "VALIDATION_TIMED_OUT", "REVOKED", "FAILED" };

    /// <summary>Statuses of a certificate that was issued once: it has a serial and a validity period.</summary>
    public static bool WasIssued(string status) => status is Issued or Expired or "INACTIVE" or "REVOKED";
}

/// <summary>A certificate to seed. Without an ARN one is made in the default region (or <see cref="Region"/>).</summary>
public sealed class SeedCertificate
{
    public string? CertificateArn { get; set; }
    public string? Region { get; set; }
    public string DomainName { get; set; } = "";
    public List<string> SubjectAlternativeNames { get; set; } = [];
    public string Status { get; set; } = CertificateStatuses.Issued;
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? NotAfter { get; set; }
}
