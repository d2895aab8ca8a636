using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>
/// Listener certificates: the default one (CreateListener/ModifyListener) and the certificate list
/// (Add/Describe/RemoveListenerCertificates), the checks a certificate ARN must pass and the per-load-balancer quota.
/// </summary>
public sealed partial class LoadBalancingStore
{
    /// <summary>Adds to the certificate list (one already there is not added again); returns the list.</summary>
    public IReadOnlyList<string> AddListenerCertificates(string listenerArn, IReadOnlyList<string> certificateArns)
    {
        lock (gate)
        {
            var listener = Listener(listenerArn);
            OneCertificate(certificateArns);
            foreach (var arn in certificateArns) CheckCertificate(arn);
            var added = certificateArns.Where(a => !listener.CertificateList.Contains(a)).ToList();
            var inUse = data.Listeners.Where(l => l.LoadBalancerArn == listener.LoadBalancerArn).Sum(l => l.CertificateList.Count);
            if (inUse + added.Count > quotas.CertificatesPerLoadBalancer)
                throw new AwsServiceException("TooManyCertificates", "You've reached the limit on the number of certificates per load balancer.");
            var updated = Clone(listener);
            updated.CertificateList.AddRange(added);
            Replace(data.Listeners, listener, updated);
            return updated.CertificateList;
        }
    }

    /// <summary>The default certificate (IsDefault) then the certificate list, as DescribeListenerCertificates lists them.</summary>
    public IReadOnlyList<(string Arn, bool IsDefault)> DescribeListenerCertificates(string listenerArn)
    {
        lock (gate)
        {
            var listener = Listener(listenerArn);
            return [.. listener.CertificateArns.Select(a => (a, true)), .. listener.CertificateList.Select(a => (a, false))];
        }
    }

    /// <summary>Removes from the certificate list; the default certificate cannot be removed (ModifyListener replaces it).</summary>
    public void RemoveListenerCertificates(string listenerArn, IReadOnlyList<string> certificateArns)
    {
        lock (gate)
        {
            var listener = Listener(listenerArn);
            OneCertificate(certificateArns);
            if (certificateArns.Any(a => listener.CertificateArns.Contains(a) && !listener.CertificateList.Contains(a)))
                throw new AwsServiceException("OperationNotPermitted", "The default certificate of a listener cannot be removed; use ModifyListener to replace it");
            var updated = Clone(listener);
            updated.CertificateList.RemoveAll(certificateArns.Contains);
            Replace(data.Listeners, listener, updated);
        }
    }

    /// <summary>The load balancers whose listeners use the certificate (ACM's InUseBy).</summary>
    public IReadOnlyList<string> LoadBalancersUsingCertificate(string certificateArn)
    {
        lock (gate)
            return data.Listeners.Where(l => l.CertificateArns.Contains(certificateArn) || l.CertificateList.Contains(certificateArn))
                .Select(l => l.LoadBalancerArn).Distinct().ToList();
    }

    // ---------- checks (called with the lock held) ----------

    private static void OneCertificate(IReadOnlyList<string> certificateArns)
    {
        if (certificateArns.Count == 0)
            throw AwsServiceException.Validation(AwsServiceException.MissingMemberMessage("Certificates"));
        if (certificateArns.Count > 1)
            throw new AwsServiceException("TooManyCertificates", $"Up to '1' certificate ARNs can be specified, but '{certificateArns.Count}' were specified");
    }

    /// <summary>
    /// An ACM certificate (or an IAM server certificate) the load balancer can use: ACM certificates are regional and a
    /// load balancer uses only its own account's, so one of another region or account is not found, as AWS answers
    /// (CertificateNotFound, 400), like one of this account and region that does not exist.
    /// </summary>
    private void CheckCertificate(string arn)
    {
        var parts = arn.Split(':', 6);
        var valid = parts.Length == 6 && parts[0] == "arn" && parts[4].Length == 12 && parts[4].All(char.IsAsciiDigit)
            && (parts[2] == "acm" && parts[3].Length > 0 && parts[5].StartsWith("certificate/", StringComparison.Ordinal) && parts[5].Length > 12
                || parts[2] == "iam" && parts[3].Length == 0 && parts[5].StartsWith("server-certificate/", StringComparison.Ordinal));
        if (!valid)
            throw AwsServiceException.Validation($"Certificate ARN '{arn}' is not valid");
        if (parts[2] == "acm" && (parts[3] != region || parts[4] != accountId || !certificates.Exists(arn)))
            throw new AwsServiceException("CertificateNotFound", $"Certificate '{arn}' not found");
    }
}
