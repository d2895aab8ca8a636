using System.Text.RegularExpressions;

namespace Portal.Provisioning.Templates;

/// <summary>
/// The shared platform every host stack builds on (section "Platform"): mostly outputs of the platform stack
/// (templates/platform.yaml) plus the names the portal gives hosts.
/// </summary>
public sealed partial class PlatformSettings
{
    public const string Section = "Platform";

    public string Region { get; set; } = "";
    public string VpcId { get; set; } = "";
    public List<string> PublicSubnetIds { get; set; } = [];
    public List<string> PrivateSubnetIds { get; set; } = [];
    public string ArtifactBucket { get; set; } = "";
    public string KmsKeyArn { get; set; } = "";
    public string SharedListenerArn { get; set; } = "";
    public string LoadBalancerSecurityGroupId { get; set; } = "";

    /// <summary>Default host names are &lt;host&gt;-&lt;env&gt;.&lt;customer&gt;.&lt;BaseDomain&gt;.</summary>
    public string BaseDomain { get; set; } = "";

    /// <summary>Image hosts start from until their own AMI is baked; also the Packer source image.</summary>
    public string DefaultAmiId { get; set; } = "";

    public string PackerBuildInstanceType { get; set; } = "t3.small";
    public string PackerSshUsername { get; set; } = "ec2-user";

    /// <summary>Throws with a message naming the first missing or malformed setting.</summary>
    public void Validate()
    {
        Require(nameof(Region), Region, RegionPattern());
        Require(nameof(VpcId), VpcId, VpcPattern());
        RequireList(nameof(PublicSubnetIds), PublicSubnetIds);
        RequireList(nameof(PrivateSubnetIds), PrivateSubnetIds);
        Require(nameof(ArtifactBucket), ArtifactBucket, BucketPattern());
        Require(nameof(KmsKeyArn), KmsKeyArn, KmsArnPattern());
        Require(nameof(SharedListenerArn), SharedListenerArn, ListenerArnPattern());
        Require(nameof(LoadBalancerSecurityGroupId), LoadBalancerSecurityGroupId, SecurityGroupPattern());
        Require(nameof(BaseDomain), BaseDomain, DomainPattern());
        Require(nameof(DefaultAmiId), DefaultAmiId, AmiPattern());
        Require(nameof(PackerBuildInstanceType), PackerBuildInstanceType, InstanceTypePattern());
        Require(nameof(PackerSshUsername), PackerSshUsername, UserPattern());
    }

    private static void Require(string name, string value, Regex pattern)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException($"{Section}:{name} is required.");
        if (!pattern.IsMatch(value))
            throw new InvalidOperationException($"{Section}:{name} is not valid: '{value}'.");
    }

    private static void RequireList(string name, List<string> values)
    {
        if (values.Count < 2)
            throw new InvalidOperationException($"{Section}:{name} needs at least two subnets in different availability zones.");
        for (var i = 0; i < values.Count; i++)
            Require($"{name}:{i}", values[i], SubnetPattern());
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-\\d$")] private static partial Regex RegionPattern();
    [GeneratedRegex("^vpc-[0-9a-f]{8,17}$")] private static partial Regex VpcPattern();
    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")] private static partial Regex SubnetPattern();
    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")] private static partial Regex BucketPattern();
    [GeneratedRegex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[0-9a-fA-F-]+$")] private static partial Regex KmsArnPattern();
    [GeneratedRegex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:listener/app/.+$")] private static partial Regex ListenerArnPattern();
    [GeneratedRegex("^sg-[0-9a-f]{8,17}$")] private static partial Regex SecurityGroupPattern();
    [GeneratedRegex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$")] private static partial Regex DomainPattern();
    [GeneratedRegex("^ami-[0-9a-f]{8,17}$")] private static partial Regex AmiPattern();
    [GeneratedRegex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$")] private static partial Regex InstanceTypePattern();
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")] private static partial Regex UserPattern();
}
