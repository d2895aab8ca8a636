namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>
/// Quotas for Application Load Balancers (section Emulator:Quotas), AWS's defaults unless set: see "Quotas for your
/// Application Load Balancers". Tests set small numbers to reach them quickly.
/// </summary>
public sealed class LoadBalancingQuotas
{
    /// <summary>Rules per Application Load Balancer, not counting the listeners' default rules.</summary>
    public int RulesPerLoadBalancer { get; set; } = 100;

    /// <summary>Unique target groups the listeners and rules of one load balancer forward to.</summary>
    public int TargetGroupsPerLoadBalancer { get; set; } = 100;

    /// <summary>Certificates per Application Load Balancer, not counting the listeners' default certificates.</summary>
    public int CertificatesPerLoadBalancer { get; set; } = 25;

    /// <summary>Target groups per region (shared by Application and Network Load Balancers).</summary>
    public int TargetGroupsPerRegion { get; set; } = 3000;
}
