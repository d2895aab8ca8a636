using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// The resource types that only need a physical id and attributes: EC2 networking, KMS, S3, IAM, logs, CloudTrail,
/// CodeBuild, CodeDeploy, SNS, CloudWatch alarms, Route 53 records, RDS subnet groups… Types that behave (load balancing, secrets, pipelines, databases,
/// Auto Scaling) have their own provisioners.
/// </summary>
public static class SimpleResources
{
    public static IEnumerable<IResourceProvisioner> All()
    {
        // ---------- EC2 networking ----------
        yield return Simple("AWS::EC2::VPC", ["VpcId", "CidrBlock", "CidrBlockAssociations", "DefaultNetworkAcl", "DefaultSecurityGroup", "Ipv6CidrBlocks"],
            ["CidrBlock", "InstanceTenancy", "Ipv4IpamPoolId"], r =>
            {
                var id = Ids.Ec2("vpc");
                return ProvisionedResource.Of(id, ("VpcId", id), ("CidrBlock", r.Text("CidrBlock") ?? "10.0.0.0/16"),
                    ("CidrBlockAssociations", Texts(Ids.Ec2("vpc-cidr-assoc"))), ("DefaultNetworkAcl", Ids.Ec2("acl")),
                    ("DefaultSecurityGroup", Ids.Ec2("sg")), ("Ipv6CidrBlocks", new JsonArray()));
            });
        yield return Simple("AWS::EC2::InternetGateway", ["InternetGatewayId"], [], _ => Id("igw", "InternetGatewayId"));
        yield return Simple("AWS::EC2::VPCGatewayAttachment", [], ["VpcId"], r => ProvisionedResource.Of(PhysicalNames.Generate(r, 64)));
        yield return Simple("AWS::EC2::Subnet", ["SubnetId", "AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "Ipv6CidrBlocks", "NetworkAclAssociationId", "OutpostArn", "VpcId"],
            ["VpcId", "CidrBlock", "AvailabilityZone", "AvailabilityZoneId"], r =>
            {
                var id = Ids.Ec2("subnet");
                var zone = r.Text("AvailabilityZone") ?? r.RegionName + "a";
                return ProvisionedResource.Of(id, ("SubnetId", id), ("AvailabilityZone", zone), ("AvailabilityZoneId", ZoneId(zone)),
                    ("CidrBlock", r.Text("CidrBlock")), ("Ipv6CidrBlocks", new JsonArray()), ("NetworkAclAssociationId", Ids.Ec2("aclassoc")),
                    ("OutpostArn", ""), ("VpcId", r.Text("VpcId")));
            });
        yield return Simple("AWS::EC2::RouteTable", ["RouteTableId"], ["VpcId"], _ => Id("rtb", "RouteTableId"));
        yield return Simple("AWS::EC2::Route", [], ["RouteTableId", "DestinationCidrBlock", "DestinationIpv6CidrBlock"],
            r => ProvisionedResource.Of($"{r.Text("RouteTableId")}|{r.Text("DestinationCidrBlock") ?? r.Text("DestinationIpv6CidrBlock")}"));
        yield return Simple("AWS::EC2::SubnetRouteTableAssociation", ["Id"], ["SubnetId"], _ => Id("rtbassoc", "Id"));
        yield return Simple("AWS::EC2::EIP", ["AllocationId", "PublicIp"], ["Domain", "InstanceId"], _ =>
        {
            var ip = $"203.0.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";
            return ProvisionedResource.Of(ip, ("AllocationId", Ids.Ec2("eipalloc")), ("PublicIp", ip));
        });
        yield return Simple("AWS::EC2::NatGateway", ["NatGatewayId"], ["SubnetId", "AllocationId", "ConnectivityType"], _ => Id("nat", "NatGatewayId"));
        yield return Simple("AWS::EC2::SecurityGroup", ["GroupId", "VpcId"], ["GroupDescription", "GroupName", "VpcId"], r =>
        {
            var id = Ids.Ec2("sg");
            return ProvisionedResource.Of(id, ("GroupId", id), ("VpcId", r.Text("VpcId") ?? ""));
        });
        yield return Simple("AWS::EC2::SecurityGroupIngress", ["Id"], ["*"], _ => Id("sgr", "Id"));
        yield return Simple("AWS::EC2::SecurityGroupEgress", ["Id"], ["*"], _ => Id("sgr", "Id"));
        yield return Simple("AWS::EC2::LaunchTemplate", ["LaunchTemplateId", "LatestVersionNumber", "DefaultVersionNumber"], ["LaunchTemplateName"], r =>
            {
                var id = Ids.Ec2("lt");
                return ProvisionedResource.Of(id, ("LaunchTemplateId", id), ("LatestVersionNumber", "1"), ("DefaultVersionNumber", "1"));
            },
            (_, current) =>
            {
                var next = int.Parse(current.Attributes["LatestVersionNumber"]!.GetValue<string>(), CultureInfo.InvariantCulture) + 1;
                current.Attributes["LatestVersionNumber"] = next.ToString(CultureInfo.InvariantCulture);
                return current;
            }, nameProperty: "LaunchTemplateName");
        yield return Simple("AWS::EC2::Instance", ["AvailabilityZone", "InstanceId", "PrivateDnsName", "PrivateIp", "PublicDnsName", "PublicIp"],
            ["AvailabilityZone", "ImageId", "SubnetId", "KeyName"], r =>
            {
                var id = Ids.Ec2("i");
                var privateIp = $"10.0.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";
                return ProvisionedResource.Of(id, ("AvailabilityZone", r.Text("AvailabilityZone") ?? r.RegionName + "a"), ("InstanceId", id),
                    ("PrivateDnsName", $"ip-{privateIp.Replace('.', '-')}.{r.RegionName}.compute.internal"), ("PrivateIp", privateIp),
                    ("PublicDnsName", ""), ("PublicIp", ""));
            });

        // ---------- KMS, S3, CloudTrail, logs ----------
        yield return Simple("AWS::KMS::Key", ["Arn", "KeyId"], ["KeySpec", "MultiRegion"], r =>
        {
            var id = Ids.Uuid();
            return ProvisionedResource.Of(id, ("Arn", $"arn:{Partition(r)}:kms:{r.RegionName}:{r.AccountId}:key/{id}"), ("KeyId", id));
        });
        yield return Simple("AWS::KMS::Alias", [], ["AliasName"], r => ProvisionedResource.Of(r.Text("AliasName") ?? "alias/" + PhysicalNames.Generate(r)), nameProperty: "AliasName");
        yield return Simple("AWS::S3::BucketPolicy", [], ["Bucket"], r => ProvisionedResource.Of(PhysicalNames.Generate(r)));
        yield return Simple("AWS::CloudTrail::Trail", ["Arn", "SnsTopicArn"], ["TrailName"], r =>
        {
            var name = PhysicalNames.Given(r, "TrailName", 128);
            return ProvisionedResource.Of(name, ("Arn", $"arn:{Partition(r)}:cloudtrail:{r.RegionName}:{r.AccountId}:trail/{name}"), ("SnsTopicArn", ""));
        }, nameProperty: "TrailName");

        // ---------- IAM ----------
        yield return Simple("AWS::IAM::Role", ["Arn", "RoleId"], ["RoleName", "Path"], r =>
        {
            var name = PhysicalNames.Given(r, "RoleName", 64);
            return ProvisionedResource.Of(name, ("Arn", $"arn:{Partition(r)}:iam::{r.AccountId}:role{r.Text("Path") ?? "/"}{name}"), ("RoleId", "AROA" + Ids.Upper(17)));
        }, nameProperty: "RoleName");
        yield return Simple("AWS::IAM::InstanceProfile", ["Arn"], ["InstanceProfileName", "Path"], r =>
        {
            var name = PhysicalNames.Given(r, "InstanceProfileName", 128);
            return ProvisionedResource.Of(name, ("Arn", $"arn:{Partition(r)}:iam::{r.AccountId}:instance-profile{r.Text("Path") ?? "/"}{name}"));
        }, nameProperty: "InstanceProfileName");
        yield return Simple("AWS::IAM::ManagedPolicy", ["PolicyArn"], ["ManagedPolicyName", "Path"], r =>
        {
            var arn = $"arn:{Partition(r)}:iam::{r.AccountId}:policy{r.Text("Path") ?? "/"}{PhysicalNames.Given(r, "ManagedPolicyName", 128)}";
            return ProvisionedResource.Of(arn, ("PolicyArn", arn));
        }, nameProperty: "ManagedPolicyName");
        yield return Simple("AWS::IAM::Policy", [], [], r => ProvisionedResource.Of(PhysicalNames.Generate(r, 128)));

        // ---------- build, deploy, notifications ----------
        yield return Simple("AWS::CodeDeploy::Application", [], ["ApplicationName", "ComputePlatform"], r => ProvisionedResource.Of(PhysicalNames.Given(r, "ApplicationName", 100)), nameProperty: "ApplicationName");
        yield return Simple("AWS::CodeDeploy::DeploymentConfig", [], ["*"], r => ProvisionedResource.Of(PhysicalNames.Given(r, "DeploymentConfigName", 100)), nameProperty: "DeploymentConfigName");
        yield return Simple("AWS::CodeDeploy::DeploymentGroup", [], ["ApplicationName", "DeploymentGroupName"], r => ProvisionedResource.Of(PhysicalNames.Given(r, "DeploymentGroupName", 100)));
        yield return Simple("AWS::SNS::Topic", ["TopicArn", "TopicName"], ["TopicName", "FifoTopic"], r =>
        {
            var name = PhysicalNames.Given(r, "TopicName", 256);
            var arn = $"arn:{Partition(r)}:sns:{r.RegionName}:{r.AccountId}:{name}";
            return ProvisionedResource.Of(arn, ("TopicArn", arn), ("TopicName", name));
        }, nameProperty: "TopicName");
        yield return Simple("AWS::SNS::Subscription", ["Arn"], ["Endpoint", "Protocol", "TopicArn"], r =>
        {
            var arn = $"{r.Text("TopicArn")}:{Ids.Uuid()}";
            return ProvisionedResource.Of(arn, ("Arn", arn));
        });
        // "AWS::CloudWatch::Alarm": Ref is the alarm name, Fn::GetAtt Arn its ARN.
        yield return Simple("AWS::CloudWatch::Alarm", ["Arn"], ["AlarmName"], r =>
        {
            var name = PhysicalNames.Given(r, "AlarmName", 255);
            return ProvisionedResource.Of(name, ("Arn", $"arn:{Partition(r)}:cloudwatch:{r.RegionName}:{r.AccountId}:alarm:{name}"));
        }, nameProperty: "AlarmName");
        // "AWS::Route53::RecordSet": Ref is the record's domain name; it has no attributes.
        yield return Simple("AWS::Route53::RecordSet", [], ["Name", "Type", "HostedZoneId", "HostedZoneName", "SetIdentifier"],
            r => ProvisionedResource.Of(r.Text("Name") ?? PhysicalNames.Generate(r)));
        yield return Simple("AWS::RDS::DBSubnetGroup", [], ["DBSubnetGroupName"], r => ProvisionedResource.Of(PhysicalNames.Given(r, "DBSubnetGroupName", 255, lowercase: true)), nameProperty: "DBSubnetGroupName");
    }

    private static IResourceProvisioner Simple(string type, string[] attributes, string[] replaceOn,
        Func<ResourceRequest, ProvisionedResource> create, Func<ResourceRequest, ProvisionedResource, ProvisionedResource>? update = null, string? nameProperty = null) =>
        new SimpleResourceProvisioner(new ResourceKind(type, attributes.ToHashSet(StringComparer.Ordinal), replaceOn.ToHashSet(StringComparer.Ordinal), nameProperty), create, update);

    private static ProvisionedResource Id(string prefix, string attribute)
    {
        var id = Ids.Ec2(prefix);
        return ProvisionedResource.Of(id, (attribute, id));
    }

    private static JsonArray Texts(params string[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>eu-west-1a → euw1-az1.</summary>
    private static string ZoneId(string zone)
    {
        var parts = zone[..^1].Split('-');
        var shortName = parts.Length >= 3 ? $"{parts[0]}{string.Concat(parts[1..^1].Select(p => p[0]))}{parts[^1]}" : zone;
        return $"{shortName}-az{zone[^1] - 'a' + 1}";
    }

    private static string Partition(ResourceRequest request) => Arns.Partition(request.RegionName);
}
