using System.Text.Json.Nodes;
using Portal.Aws.Protocol;

namespace Portal.Aws.CertificateManager;

/// <summary>ACM over JSON 1.1 (target prefix CertificateManager), member names as in AWS's API reference.</summary>
public sealed class CertificatesClient(AwsRequestSender sender) : ICertificates
{
    public const string TargetPrefix = "CertificateManager";
    private readonly JsonProtocol json = new(AwsService.CertificateManager, TargetPrefix, sender);

    public async Task<CertificateDetail> DescribeCertificateAsync(string certificateArn, CancellationToken cancellationToken = default)
    {
        var r = await json.InvokeAsync("DescribeCertificate", new JsonObject().Set("CertificateArn", certificateArn), cancellationToken);
        var certificate = r.Member("Certificate") ?? throw new AwsProtocolException("The DescribeCertificate answer has no \"Certificate\".");
        return new CertificateDetail(certificate.Required("CertificateArn"), certificate.Required("DomainName"),
            certificate.Strings("SubjectAlternativeNames"), certificate.Required("Status"), certificate.Time("NotAfter"));
    }
}
