using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;
using static Portal.AwsEmulator.Protocol.JsonInput;

namespace Portal.AwsEmulator.CertificateManager;

/// <summary>AWS Certificate Manager (JSON 1.1, target prefix CertificateManager): DescribeCertificate.</summary>
public sealed class CertificateManagerService(EmulatorState state) : IJsonService
{
    public string Name => "acm";
    public string TargetPrefix => "CertificateManager";
    public string ThrottlingCode => "ThrottlingException";

    public bool Supports(string operation) => operation == "DescribeCertificate";

    public Task<JsonObject> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken)
    {
        var region = state.Region(context.Region);
        var certificate = region.Certificates.Describe(context.Json.RequiredString("CertificateArn"));
        var inUseBy = region.LoadBalancing.LoadBalancersUsingCertificate(certificate.Arn);
        return Task.FromResult(new JsonObject { ["Certificate"] = Detail(certificate, inUseBy) });
    }

    private static JsonObject Detail(CertificateRecord certificate, IReadOnlyList<string> inUseBy)
    {
        var issued = CertificateStatuses.WasIssued(certificate.Status);
        var detail = new JsonObject
        {
            ["CertificateArn"] = certificate.Arn,
            ["DomainName"] = certificate.DomainName,
            ["SubjectAlternativeNames"] = Strings(certificate.SubjectAlternativeNames),
            ["DomainValidationOptions"] = new JsonArray(certificate.SubjectAlternativeNames.Select(name => (JsonNode?)Validation(name, issued)).ToArray()),
            ["Subject"] = $"CN={certificate.DomainName}",
            ["Issuer"] = "Amazon",
            ["CreatedAt"] = Time(certificate.CreatedAt),
            ["Status"] = certificate.Status,
            ["KeyAlgorithm"] = "RSA_2048",
            ["SignatureAlgorithm"] = "SHA256WITHRSA",
            ["InUseBy"] = Strings(inUseBy),
            ["Type"] = "AMAZON_ISSUED",
            ["KeyUsages"] = new JsonArray(new JsonObject { ["Name"] = "DIGITAL_SIGNATURE" }, new JsonObject { ["Name"] = "KEY_ENCIPHERMENT" }),
            ["ExtendedKeyUsages"] = new JsonArray(
                new JsonObject { ["Name"] = "TLS_WEB_SERVER_AUTHENTICATION", ["OID"] = "1.3.6.1.5.5.7.3.1" },
                new JsonObject { ["Name"] = "TLS_WEB_CLIENT_AUTHENTICATION", ["OID"] = "1.3.6.1.5.5.7.3.2" }),
            ["RenewalEligibility"] = inUseBy.Count > 0 && issued ? "ELIGIBLE" : "INELIGIBLE",
            ["Options"] = new JsonObject { ["CertificateTransparencyLoggingPreference"] = "ENABLED" },
        };
        if (issued) detail["Serial"] = certificate.Serial;
        if (certificate.IssuedAt is { } issuedAt) detail["IssuedAt"] = Time(issuedAt);
        if (certificate.NotBefore is { } notBefore) detail["NotBefore"] = Time(notBefore);
        if (certificate.NotAfter is { } notAfter) detail["NotAfter"] = Time(notAfter);
        return detail;
    }

    /// <summary>DNS validation: a CNAME per name (a wildcard is validated through its base domain).</summary>
    private static JsonObject Validation(string name, bool issued)
    {
        var domain = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        var token = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(domain)));
        return new JsonObject
        {
            ["DomainName"] = name,
            ["ValidationDomain"] = name,
            ["ValidationStatus"] = issued ? "SUCCESS" : "PENDING_VALIDATION",
            ["ResourceRecord"] = new JsonObject
            {
                ["Name"] = $"_{token[..32]}.{domain}.",
                ["Type"] = "CNAME",
                ["Value"] = $"_{token[32..]}.acm-validations.aws.",
            },
            ["ValidationMethod"] = "DNS",
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
