using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.ElasticLoadBalancing;

/// <summary>The Route 53 hosted zone of Application Load Balancers per region (CanonicalHostedZoneID).</summary>
public static class HostedZones
{
    private static readonly Dictionary<string, string> ApplicationLoadBalancers = new(StringComparer.Ordinal)
    {
        ["us-east-1"] = "Z35SXDOTRQ7X7K",
        ["us-east-2"] = "Z3AADJGX6KTTL2",
        ["us-west-1"] = "Z368ELLRRE2KJ0",
        ["us-west-2"] = "Z1H1FL5HABSF5",
        ["eu-west-1"] = "Z32O12XQLNTSW2",
        ["eu-west-2"] = "ZHURV8PSTC4K8",
        ["eu-west-3"] = "Z3Q77PNBQS71R4",
        ["eu-central-1"] = "Z215JYRZR1TBD5",
        ["eu-north-1"] = "Z23TAZYOQFAZFW",
        ["ap-southeast-1"] = "Z1LMS91P8CMLE5",
        ["ap-southeast-2"] = "Z1GM3OXH4ZPM65",
        ["ap-northeast-1"] = "Z14GRHDCWA56QT",
    };

    public static string For(string region) => ApplicationLoadBalancers.TryGetValue(region, out var zone) ? zone : "Z" + Ids.Upper(13);
}
