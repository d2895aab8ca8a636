using Microsoft.EntityFrameworkCore;
using Portal.Aws;
using Portal.Aws.CertificateManager;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Orders;

/// <summary>
/// What a host claims that no other live host may have, and what it must own: its custom domain (never a name under
/// the platform's base domain, whose hosts the platform names), its certificate (issued by ACM in the platform's own
/// account and region, covering the domain) and its GitLab project. Checked when a host is ordered or its order
/// changes; the answer is field errors, never an exception. The unique indexes on live hosts' domains and projects
/// stop a race between two orders.
/// </summary>
public sealed class HostClaims(IDbContextFactory<PortalDbContext> contexts, ICertificates certificates, PlatformSettings platform)
{
    /// <summary>
    /// Field errors for what <paramref name="order"/> claims; empty when it may have it all. <paramref name="hostId"/> is the
    /// host's own (a change); <paramref name="projectId"/> the project's numeric id once GitLab told it (a renamed project
    /// keeps its id, and a new project may take an old path).
    /// </summary>
    public async Task<Dictionary<string, string[]>> CheckAsync(ValidHostOrder order, Guid? hostId, long? projectId, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var live = db.Hosts.AsNoTracking().Where(h => h.State != HostState.Decommissioned && h.Id != hostId);

        var project = order.GitLabProjectPath.ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // EF Core translates this upper()/lower() to SQL; no .NET culture applies.
        if (await live.AnyAsync(h => h.GitLab.PathWithNamespace.ToLower() == project || (projectId != null && h.GitLab.ProjectId == projectId),
                cancellationToken))
#pragma warning restore CA1304, CA1311, CA1862
            errors[HostOrderFields.GitLabProjectPath] = ["Another host already deploys from this GitLab project: a project releases to one host."];

        if (order.CustomDomain is { } domain)
        {
            if (UnderBaseDomain(domain))
                errors[HostOrderFields.CustomDomain] = [$"Names under {BaseDomain} are the platform's own: every host gets one. Choose a domain of yours."];
            else if (await live.AnyAsync(h => h.Domain.CustomDomain == domain, cancellationToken))
                errors[HostOrderFields.CustomDomain] = ["Another host already serves this domain."];
            if (await CertificateErrorAsync(domain, order.CertificateArn!, cancellationToken) is { } certificate)
                errors[HostOrderFields.CertificateArn] = [certificate];
        }
        return errors;
    }

    /// <summary>The field error when a save lost a race for a domain or a project to another order; null for any other failure.</summary>
    public static Dictionary<string, string[]>? RaceLost(DbUpdateException e) =>
        e.IsUniqueViolation(UniqueCustomDomainIndex)
            ? new Dictionary<string, string[]> { [HostOrderFields.CustomDomain] = ["Another host already serves this domain."] }
            : e.IsUniqueViolation(UniqueProjectIdIndex)
                ? new Dictionary<string, string[]> { [HostOrderFields.GitLabProjectPath] = ["Another host already deploys from this GitLab project."] }
                : null;

    public const string UniqueCustomDomainIndex = "IX_Hosts_CustomDomain_Live";
    public const string UniqueProjectIdIndex = "IX_Hosts_GitLabProjectId_Live";

    private string BaseDomain => platform.BaseDomain.Trim('.').ToLowerInvariant();

    private bool UnderBaseDomain(string domain) => domain == BaseDomain || domain.EndsWith("." + BaseDomain, StringComparison.Ordinal);

    private async Task<string?> CertificateErrorAsync(string domain, string arn, CancellationToken cancellationToken)
    {
        var parts = arn.Split(':');
        if (parts.Length < 6 || parts[3] != platform.Region || parts[4] != platform.AccountId())
            return $"The certificate must be in the platform's AWS account ({platform.AccountId()}) and region ({platform.Region}), " +
                   "where its load balancer is: import or request it there.";
        CertificateDetail certificate;
        try
        {
            certificate = await certificates.DescribeCertificateAsync(arn, cancellationToken);
        }
        catch (AwsNotFoundException)
        {
            return "ACM has no such certificate in the platform's account: check the ARN.";
        }
        catch (AwsException e) when (e.Retryable)
        {
            return "ACM could not be asked about the certificate just now; nothing was saved. Try again in a moment.";
        }
        catch (AwsValidationException e)
        {
            return $"ACM refused the ARN: {e.AwsMessage}";
        }
        if (!certificate.IsIssued)
            return $"The certificate is {certificate.Status}, not ISSUED: finish its validation in ACM first.";
        return certificate.Covers(domain)
            ? null
            : $"The certificate is for {string.Join(", ", certificate.SubjectAlternativeNames.Append(certificate.DomainName).Distinct())}, not {domain}.";
    }
}
