using System.Text.RegularExpressions;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>
/// AWS-specific parameter types (AWS::EC2::Subnet::Id…). AWS checks that the named resource exists in the account;
/// the emulator has no EC2, so it checks the value's form, which catches the same typing mistakes.
/// </summary>
public static partial class AwsParameterTypes
{
    private static readonly Dictionary<string, Regex> Forms = new(StringComparer.Ordinal)
    {
        ["AWS::EC2::AvailabilityZone::Name"] = AvailabilityZone(),
        ["AWS::EC2::Image::Id"] = Id("ami"),
        ["AWS::EC2::Instance::Id"] = Id("i"),
        ["AWS::EC2::KeyPair::KeyName"] = new Regex("^.{1,255}$"),
        ["AWS::EC2::SecurityGroup::GroupName"] = new Regex("^.{1,255}$"),
        ["AWS::EC2::SecurityGroup::Id"] = Id("sg"),
        ["AWS::EC2::Subnet::Id"] = Id("subnet"),
        ["AWS::EC2::Volume::Id"] = Id("vol"),
        ["AWS::EC2::VPC::Id"] = Id("vpc"),
        ["AWS::Route53::HostedZone::Id"] = new Regex("^Z[0-9A-Z]{1,32}$"),
    };

    public static bool IsKnown(string type)
    {
        var element = type.StartsWith("List<", StringComparison.Ordinal) && type.EndsWith('>') ? type[5..^1] : type;
        return Forms.ContainsKey(element) || element == "Number" && type != element
            || type.StartsWith("AWS::SSM::Parameter::Name", StringComparison.Ordinal)
            || type.StartsWith("AWS::SSM::Parameter::Value<", StringComparison.Ordinal);
    }

    /// <summary>True when the value has the form the type names (always true for String, Number and SSM types).</summary>
    public static bool HasForm(string elementType, string value) => !Forms.TryGetValue(elementType, out var form) || form.IsMatch(value);

    private static Regex Id(string prefix) => new($"^{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})$");

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-\\d[a-z]$")]
    private static partial Regex AvailabilityZone();
}
